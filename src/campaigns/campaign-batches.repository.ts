import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';

import { queryRows } from '../database/query-rows.js';

/** A send unit this instance holds under a lease; `attempts` counts this claim. */
export interface ClaimedUnit {
  reference: string;
  attempts: number;
}

/** A unit whose sender's lease ran out before it was done. */
export interface ExpiredUnit {
  reference: string;
  channel_id: string;
}

export interface UnitRetry {
  reference: string;
  delayMs: number;
}

/**
 * The `campaign_batches` table: one row per send unit, with the lease (`sending_until`) that makes
 * every unit go to the provider from one instance at a time.
 */
@Injectable()
export class CampaignBatchesRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Takes the campaign's next due units under a lease; units another instance holds are skipped. */
  claimDueUnits(campaignId: string, limit: number, leaseSeconds: number): Promise<ClaimedUnit[]> {
    return queryRows<ClaimedUnit>(
      this.db,
      `UPDATE campaign_batches b
          SET sending_until = now() + make_interval(secs => $3), attempts = b.attempts + 1
        WHERE b.reference IN (
          SELECT reference FROM campaign_batches
           WHERE campaign_id = $1 AND done_at IS NULL AND sending_until IS NULL
             AND (next_attempt_at IS NULL OR next_attempt_at <= now())
           ORDER BY reference
           LIMIT $2
           FOR UPDATE SKIP LOCKED)
        RETURNING b.reference, b.attempts`,
      [campaignId, limit, leaseSeconds],
    );
  }

  async markDone(references: readonly string[]): Promise<void> {
    if (references.length === 0) return;
    await this.db.query(
      `UPDATE campaign_batches SET done_at = now(), sending_until = NULL WHERE reference = ANY($1::text[])`,
      [references],
    );
  }

  async scheduleRetries(retries: readonly UnitRetry[]): Promise<void> {
    if (retries.length === 0) return;
    await this.db.query(
      `UPDATE campaign_batches b
          SET sending_until = NULL, next_attempt_at = now() + make_interval(secs => r.delay_ms / 1000.0)
         FROM unnest($1::text[], $2::float8[]) AS r(reference, delay_ms)
        WHERE b.reference = r.reference`,
      [retries.map((r) => r.reference), retries.map((r) => r.delayMs)],
    );
  }

  /** Ends the lease now, so the next recovery pass asks the provider what became of the units. */
  async expireLeases(references: readonly string[]): Promise<void> {
    if (references.length === 0) return;
    await this.db.query(
      `UPDATE campaign_batches SET sending_until = now() - interval '1 millisecond' WHERE reference = ANY($1::text[])`,
      [references],
    );
  }

  /** Units never handed to the provider go back to the queue as they were. */
  async release(references: readonly string[]): Promise<void> {
    if (references.length === 0) return;
    await this.db.query(
      `UPDATE campaign_batches SET sending_until = NULL, attempts = greatest(attempts - 1, 0) WHERE reference = ANY($1::text[])`,
      [references],
    );
  }

  /** Every open unit of the campaign is done, in the caller's transaction. */
  async closeAll(tx: EntityManager, campaignId: string): Promise<void> {
    await tx.query(
      `UPDATE campaign_batches SET done_at = now(), sending_until = NULL WHERE campaign_id = $1 AND done_at IS NULL`,
      [campaignId],
    );
  }

  findExpired(limit: number): Promise<ExpiredUnit[]> {
    return queryRows<ExpiredUnit>(
      this.db,
      `SELECT reference, channel_id FROM campaign_batches WHERE done_at IS NULL AND sending_until < now() LIMIT $1`,
      [limit],
    );
  }

  /** Compare-and-set on the expired lease: true for the one instance that now holds the unit. */
  async claimExpired(reference: string, leaseSeconds: number): Promise<boolean> {
    const claimed = await queryRows<{ reference: string }>(
      this.db,
      `UPDATE campaign_batches SET sending_until = now() + make_interval(secs => $2)
        WHERE reference = $1 AND done_at IS NULL AND sending_until < now()
        RETURNING reference`,
      [reference, leaseSeconds],
    );
    return claimed.length > 0;
  }

  /** After recovery: done when nothing is left to send, else back in the queue at once. */
  async requeueRecovered(reference: string, done: boolean): Promise<void> {
    await this.db.query(
      `UPDATE campaign_batches SET sending_until = NULL, next_attempt_at = NULL, done_at = CASE WHEN $2 THEN now() END WHERE reference = $1`,
      [reference, done],
    );
  }
}
