import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';

import { AppConfig } from '../config/app-config.js';
import { DuplicateEmailError } from './user-errors.js';
import { UsersService } from './users.service.js';

/** Creates the first admin from ADMIN_EMAIL / ADMIN_PASSWORD when the database has no user yet. */
@Injectable()
export class InitialAdminService implements OnApplicationBootstrap {
  private readonly logger = new Logger(InitialAdminService.name);

  constructor(
    private readonly users: UsersService,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const admin = this.config.initialAdmin;
    if (!admin) {
      if ((await this.users.count()) === 0) {
        this.logger.warn(
          'No user exists: set ADMIN_EMAIL and ADMIN_PASSWORD, or run `npm run cli -- create-admin`',
        );
      }
      return;
    }
    if ((await this.users.count()) > 0) return;
    try {
      await this.users.create({
        email: admin.email,
        password: admin.password,
        role: 'admin',
        name: 'Administrator',
      });
      this.logger.log('Created the first admin from ADMIN_EMAIL');
    } catch (error) {
      // Another instance starting at the same moment created it first.
      if (!(error instanceof DuplicateEmailError)) throw error;
    }
  }
}
