/** A subscriber of after_product_create for the end-to-end benchmark (bench/hooks.mjs); see ../shared/recorder-manifest.ts. */
import { recorderManifest } from "../shared/recorder-manifest.ts";

export const manifest = recorderManifest("Bench recorder a", "bench-recorder-a");
