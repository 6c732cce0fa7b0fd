import { ApiProperty } from '@nestjs/swagger';

import { NestedObject } from '../../common/validation/field-presence.decorators.js';
import { CampaignAudienceDto } from './create-campaign.dto.js';

export class AudienceSizeRequestDto {
  @ApiProperty({ type: CampaignAudienceDto, example: { tags: ['vip'] } })
  @NestedObject(() => CampaignAudienceDto)
  audience!: CampaignAudienceDto;
}

export class AudienceSizeDto {
  @ApiProperty({ description: 'Contacts in the audience', example: 120 })
  contacts!: number;

  @ApiProperty({
    description: 'Of those, the ones a campaign would send to now: not opted out, with a phone number',
    example: 117,
  })
  reachable!: number;

  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'A reachable contact of the audience, to preview the text with; null when there is none',
    example: '3f0c1e9a-8a36-4f7e-9a3c-6f2d9b1c2e44',
  })
  sampleContactId!: string | null;
}
