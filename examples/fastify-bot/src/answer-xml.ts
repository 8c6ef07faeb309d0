const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

/** Escapes text for an XML element or a quoted attribute. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

/**
 * The Plivo answer-URL response that connects the call to a bidirectional stream
 * (PROTOCOL.md §5): 16 kHz L16 audio, and `keepCallAlive` so the call lasts as long as the stream.
 *
 * @example
 * streamXml('wss://bot.example.com/stream');
 * // <Response><Stream bidirectional="true" keepCallAlive="true" contentType="audio/x-l16;rate=16000">wss://bot.example.com/stream</Stream></Response>
 */
export function streamXml(streamUrl: string): string {
  return (
    '<Response><Stream bidirectional="true" keepCallAlive="true" contentType="audio/x-l16;rate=16000">' +
    `${escapeXml(streamUrl)}</Stream></Response>`
  );
}
