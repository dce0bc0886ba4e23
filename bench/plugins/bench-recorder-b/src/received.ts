export { default } from "../../shared/received.ts";
