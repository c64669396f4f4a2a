import { RefreshToken } from '@/accounts/refresh-token.entity.js';
import { User } from '@/accounts/user.entity.js';

/** Every entity, for the data source shared by the app, the CLIs and the TypeORM CLI. */
export const entities = [User, RefreshToken];
