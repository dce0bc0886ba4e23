/** Plugin configuration: validation against settings_schema, encryption of sensitive values, masking. */
export { decryptValue, encryptValue, isEncrypted } from "./crypto.ts";
export { ConfigError, type ConfigErrorCode } from "./errors.ts";
export { type ConfigChange, type MigratedConfig, migrateConfig } from "./migrate.ts";
export { missingRequired, partialConfigSchema, sensitiveKeys } from "./settings.ts";
export { assertComplete, type ConfigScope, MASK, maskedConfig, prepareConfig, revealConfig } from "./store.ts";
