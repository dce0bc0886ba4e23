/**
 * @module
 * `@digital-commerce/plugin-sdk/ui`: the components a widget or settings component is written with,
 * and the shapes of what it receives and returns. See sdk/README.md, "Plugin UI".
 */
export {
  Alert,
  Badge,
  BarChart,
  Button,
  Card,
  Form,
  Grid,
  Heading,
  Input,
  LineChart,
  Link,
  Select,
  Stack,
  Stat,
  Switch,
  Table,
  Text,
} from "./components.ts";
export type { UiChild, UiElement, UiRendered, UiTextChild } from "./element.ts";
export type { UiInput, UiModule } from "./module.ts";
