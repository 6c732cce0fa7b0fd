import { ConflictError, UnprocessableError } from '../common/errors/domain-error.js';

export class ChannelDisabledError extends ConflictError {
  constructor(readonly channelId: string) {
    super(`Channel ${channelId} is disabled`);
  }
}

/** The channel's provider has no way to carry this kind of message (e.g. media on SMS). */
export class UnsupportedContentError extends UnprocessableError {}

export class InboundSimulationUnsupportedError extends UnprocessableError {
  constructor() {
    super('Only sandbox channels can simulate inbound messages');
  }
}
