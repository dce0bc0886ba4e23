export { default } from "../../shared/record.ts";
