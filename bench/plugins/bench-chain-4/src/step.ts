export { default } from "../../shared/chain-step.ts";
