/** The API Worker's entry: wires bindings to the HTTP application. */
import { createApp } from "./app.ts";

export default createApp();
