export { createGateway, type Gateway, type GatewayOptions } from './app.js';
export { answerClientErrors } from './http/client-error.js';
export { ConfigError, loadConfig, type ServerConfig } from './config.js';
export { newSecret, parseToken, checksumOf } from './keys/token.js';
export { SecretHasher, type Peppers } from './keys/hashing.js';
