/** Escapes text for an XML attribute or element. */
export function escapeXml(value: string): string {
  return value.replace(/[<>&'"]/g, (char) => `&${{ '<': 'lt', '>': 'gt', '&': 'amp', "'": 'apos', '"': 'quot' }[char]};`);
}

/** Plivo's inline answer to an inbound message: an empty `<Response/>` or one `<Message>` reply. */
export function plivoResponseXml(reply?: { src: string; dst: string; text: string }): string {
  if (!reply) return '<?xml version="1.0" encoding="UTF-8"?><Response/>';
  return (
    '<?xml version="1.0" encoding="UTF-8"?><Response>' +
    `<Message src="${escapeXml(reply.src)}" dst="${escapeXml(reply.dst)}">${escapeXml(reply.text)}</Message>` +
    '</Response>'
  );
}
