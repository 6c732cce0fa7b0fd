import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';

import { NotFoundError } from '../common/errors/domain-error.js';
import { newestFirstPage, newestFirstRows, type Page } from '../common/pagination/page.js';
import { assertUserRules } from '../common/validation/user-rules.js';
import { isUniqueViolation } from '../database/postgres-errors.js';
import { PasswordHasher } from './password-hasher.js';
import { type Role, User } from './user.entity.js';
import { DuplicateEmailError, LastAdminError } from './user-errors.js';

export interface NewUser {
  email: string;
  password: string;
  name?: string;
  role: Role;
}

export interface UserChanges {
  /** `null` clears the name. */
  name?: string | null;
  role?: Role;
  password?: string;
  disabled?: boolean;
}

@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly hasher: PasswordHasher,
  ) {}

  async create(input: NewUser): Promise<User> {
    // The DTO already checked an API request; the CLI and the start-up admin arrive here directly.
    assertUserRules({ email: input.email.trim(), password: input.password });
    const passwordHash = await this.hasher.hash(input.password);
    try {
      const user = this.users.create({
        email: input.email.trim().toLowerCase(),
        name: input.name ?? null,
        role: input.role,
        passwordHash,
      });
      return await this.users.save(user);
    } catch (error) {
      if (isUniqueViolation(error, 'users_email_key')) {
        throw new DuplicateEmailError(input.email);
      }
      throw error;
    }
  }

  async list(limit: number, cursor?: string): Promise<Page<User>> {
    return newestFirstPage(await newestFirstRows(this.users, limit, cursor), limit, (user) => user);
  }

  async get(id: string): Promise<User> {
    const user = await this.users.findOneBy({ id });
    if (!user) throw new NotFoundError('User', id);
    return user;
  }

  /** Whether `id` names a user who may work: one that exists and is not disabled. */
  isActive(id: string): Promise<boolean> {
    return this.users.existsBy({ id, disabled: false });
  }

  findById(id: string): Promise<User | null> {
    return this.users.findOneBy({ id });
  }

  findByEmail(email: string): Promise<User | null> {
    return this.users
      .createQueryBuilder('u')
      .where('lower(u.email) = lower(:email)', { email: email.trim() })
      .getOne();
  }

  count(): Promise<number> {
    return this.users.count();
  }

  async update(id: string, changes: UserChanges): Promise<User> {
    const user = await this.get(id);
    const losesAdmin =
      user.role === 'admin' &&
      !user.disabled &&
      ((changes.role && changes.role !== 'admin') || changes.disabled === true);
    if (losesAdmin && (await this.countActiveAdmins()) <= 1) {
      throw new LastAdminError();
    }
    if (changes.name !== undefined) user.name = changes.name;
    if (changes.role !== undefined) user.role = changes.role;
    if (changes.disabled !== undefined) user.disabled = changes.disabled;
    if (changes.password !== undefined) {
      assertUserRules({ password: changes.password });
      user.passwordHash = await this.hasher.hash(changes.password);
      user.passwordChangedAt = new Date();
    }
    user.updatedAt = new Date();
    return this.users.save(user);
  }

  private countActiveAdmins(): Promise<number> {
    return this.users.countBy({ role: 'admin', disabled: false });
  }
}
