import { DataSource } from 'typeorm';

import { dataSourceOptions } from '../../src/database/data-source-options.js';
import { runMigrations } from '../../src/database/run-migrations.js';
import { createIsolatedDatabase } from './isolated-database.js';

export interface MigratedDatabase {
  dataSource: DataSource;
  destroy(): Promise<void>;
}

/**
 * A database of its own with every migration run, and a connection pool of `poolSize` to it: for
 * tests of repository statements that no app's jobs may touch meanwhile.
 */
export async function createMigratedDatabase(poolSize: number): Promise<MigratedDatabase> {
  const database = await createIsolatedDatabase();
  const dataSource = await new DataSource({
    ...dataSourceOptions(database.url, poolSize),
    logging: false,
  }).initialize();
  await runMigrations(dataSource);
  return {
    dataSource,
    destroy: async () => {
      await dataSource.destroy();
      await database.destroy();
    },
  };
}
