export { createApp, createGateway, type AppOptions, type Gateway, type GatewayOptions } from './app.js';
export { createServices, type BillingServices, type PortalServices, type Services, type ServicesOptions } from './services.js';
export { answerClientErrors } from './http/client-error.js';
export { ConfigError, loadConfig, type ServerConfig } from './config.js';
export { newSecret, parseToken, checksumOf } from './keys/token.js';
export { SecretHasher, type Peppers } from './keys/hashing.js';
