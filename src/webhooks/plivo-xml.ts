/** Characters XML 1.0 forbids even escaped: most C0 controls, lone surrogates, U+FFFE and U+FFFF. */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Escapes text for an XML attribute or element; characters XML cannot carry become U+FFFD. */
export function escapeXml(value: string): string {
  return value
    .replace(NOT_XML_CHAR, '\uFFFD')
    .replace(
      /[<>&'"]/g,
      (char) => `&${{ '<': 'lt', '>': 'gt', '&': 'amp', "'": 'apos', '"': 'quot' }[char]};`,
    );
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
