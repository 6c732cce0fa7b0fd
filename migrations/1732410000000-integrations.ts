import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * API keys for servers and scripts, and event webhooks to the business's own systems: endpoints,
 * the outbox written in the same transaction as each change, and one delivery row per endpoint and
 * event with every attempt recorded.
 */
export class Integrations1732410000000 implements MigrationInterface {
  name = 'Integrations1732410000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        role text NOT NULL CHECK (role IN ('admin', 'agent')),
        -- The key's first characters, shown in lists and used to find the row; the rest is secret.
        prefix text NOT NULL,
        -- SHA-256 of the whole key: keys are 256 random bits, so a slow hash adds nothing.
        key_hash bytea NOT NULL,
        created_by uuid NOT NULL REFERENCES users (id),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        last_used_at timestamptz(3),
        revoked_at timestamptz(3)
      )`);
    await queryRunner.query(`CREATE INDEX api_keys_prefix_idx ON api_keys (prefix)`);
    await queryRunner.query(`CREATE INDEX api_keys_created_at_id_idx ON api_keys (created_at DESC, id DESC)`);

    await queryRunner.query(`
      CREATE TABLE webhook_endpoints (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        url text NOT NULL,
        description text,
        events text[] NOT NULL,
        -- whsec_ secret sealed with CREDENTIALS_KEY (the signer needs it back).
        secret_sealed text NOT NULL,
        enabled boolean NOT NULL DEFAULT true,
        disabled_reason text,
        -- Start of the current run of failed attempts; NULL after a success.
        failing_since timestamptz(3),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      `CREATE INDEX webhook_endpoints_created_at_id_idx ON webhook_endpoints (created_at DESC, id DESC)`,
    );

    await queryRunner.query(`
      CREATE TABLE outbound_events (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        seq bigserial NOT NULL,
        type text NOT NULL,
        data jsonb NOT NULL,
        created_at timestamptz(3) NOT NULL DEFAULT clock_timestamp(),
        fanned_out_at timestamptz(3)
      )`);
    await queryRunner.query(
      `CREATE INDEX outbound_events_pending_idx ON outbound_events (seq) WHERE fanned_out_at IS NULL`,
    );
    // Retention deletes by age.
    await queryRunner.query(
      `CREATE INDEX outbound_events_created_at_idx ON outbound_events USING brin (created_at)`,
    );

    await queryRunner.query(`
      CREATE TABLE webhook_deliveries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        endpoint_id uuid NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
        event_id uuid NOT NULL REFERENCES outbound_events (id) ON DELETE CASCADE,
        event_seq bigint NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'succeeded', 'failed')),
        attempts int NOT NULL DEFAULT 0,
        next_attempt_at timestamptz(3) NOT NULL DEFAULT now(),
        -- Set while an instance posts it; a past value means that instance died mid-attempt.
        leased_until timestamptz(3),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        UNIQUE (endpoint_id, event_id)
      )`);
    // Deleting an event (retention) finds its deliveries.
    await queryRunner.query(`CREATE INDEX webhook_deliveries_event_idx ON webhook_deliveries (event_id)`);
    await queryRunner.query(
      `CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (endpoint_id, next_attempt_at, event_seq) WHERE status = 'pending'`,
    );

    await queryRunner.query(`
      CREATE TABLE webhook_delivery_attempts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        delivery_id uuid NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
        endpoint_id uuid NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
        attempt int NOT NULL,
        succeeded boolean NOT NULL,
        response_status int,
        -- At most 1 KiB of what the receiver answered.
        response_body text,
        error text,
        duration_ms int NOT NULL,
        at timestamptz(3) NOT NULL DEFAULT clock_timestamp()
      )`);
    await queryRunner.query(
      `CREATE INDEX webhook_delivery_attempts_endpoint_idx ON webhook_delivery_attempts (endpoint_id, at DESC, id DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX webhook_delivery_attempts_delivery_idx ON webhook_delivery_attempts (delivery_id)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'webhook_delivery_attempts',
      'webhook_deliveries',
      'outbound_events',
      'webhook_endpoints',
      'api_keys',
    ]) {
      await queryRunner.query(`DROP TABLE ${table}`);
    }
  }
}
