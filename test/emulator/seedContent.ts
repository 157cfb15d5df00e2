/** Small but valid demo contents for `--seed demo`: JSONL in each sample type, a PDF, a PNG and a WAV. */
import { deflateSync, crc32 } from 'node:zlib';

const TOPICS = [
  ['How do I reset my password?', 'Open Settings → Security, choose "Reset password" and follow the link we email you. The link is valid for 30 minutes.'],
  ['Can I change the billing currency?', 'Yes. Billing currency can be changed once per billing period under Billing → Preferences.'],
  ['Where can I download my invoices?', 'Invoices are under Billing → History. Each row has a PDF download button.'],
  ['The app says my session expired.', 'Sessions end after 12 hours of inactivity. Sign in again; your drafts are kept.'],
  ['Do you support SSO?', 'SSO with SAML 2.0 and OIDC is available on the Business plan. An admin enables it under Organization → Security.'],
  ['How do I export my data?', 'Go to Settings → Data, click "Export" and we will email a ZIP archive within an hour.'],
  ['Is there a mobile app?', 'Yes, for iOS 16+ and Android 10+. Search for "Acme Workspace" in your app store.'],
  ['Can I invite external guests?', 'Guests can be invited per project. They see only that project and cannot create new ones.'],
] as const;

const SYSTEM_PROMPT = 'You are Acme Workspace\'s support assistant. Answer briefly and point to the exact menu path.';

function jsonl(lines: unknown[]): Buffer {
  return Buffer.from(lines.map((line) => JSON.stringify(line)).join('\n') + '\n');
}

export function instructTrainingJsonl(repeat: number): Buffer {
  const lines = [];
  for (let round = 0; round < repeat; round++) {
    for (const [question, answer] of TOPICS) {
      lines.push({
        messages: [
          { role: 'system', content: SYSTEM_PROMPT },
          { role: 'user', content: round === 0 ? question : `${question} (asked again, variant ${round})` },
          { role: 'assistant', content: answer },
        ],
      });
    }
  }
  lines.push({
    messages: [
      { role: 'user', content: 'What is the weather in Paris right now?' },
      { role: 'assistant', tool_calls: [{ id: 'wthr00001', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
      { role: 'tool', content: '{"temperature_c":14,"condition":"light rain"}', tool_call_id: 'wthr00001' },
      { role: 'assistant', content: 'It is 14 °C with light rain in Paris.' },
    ],
    tools: [{ type: 'function', function: { name: 'get_weather', description: 'Current weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }],
  });
  return jsonl(lines);
}

export function pretrainJsonl(): Buffer {
  const paragraphs = [
    'Acme Workspace stores every document revision for 180 days. Older revisions are compacted into weekly snapshots.',
    'Projects group documents, boards and members. A project owner can archive a project; archived projects are read-only.',
    'The audit log records sign-ins, permission changes and exports. Admins can stream it to a SIEM over HTTPS.',
    'Rate limits apply per workspace: 600 API requests per minute and 20 concurrent exports.',
    'Webhooks are signed with HMAC-SHA256; the signature is in the X-Acme-Signature header.',
    'Guests cannot see the member directory and cannot be assigned as project owners.',
  ];
  return jsonl(paragraphs.map((text) => ({ text })));
}

export function batchRequestJsonl(count: number): Buffer {
  const lines = [];
  for (let i = 0; i < count; i++) {
    const [question] = TOPICS[i % TOPICS.length];
    lines.push({ custom_id: `ticket-${1000 + i}`, body: { max_tokens: 200, messages: [{ role: 'user', content: question }] } });
  }
  return jsonl(lines);
}

/** A one-page PDF with a text line, its xref offsets computed so readers accept it without repair. */
export function invoicePdf(): Buffer {
  return onePagePdf('BT /F1 18 Tf 72 720 Td (Invoice INV-2026-0142) Tj 0 -28 Td /F1 12 Tf (Acme Workspace - Business plan, 12 seats: EUR 1,188.00) Tj ET');
}

/** A one-page Helvetica PDF around a content stream (latin1), with correct xref offsets. */
export function onePagePdf(contentStream: string): Buffer {
  return pdfDocument([contentStream]);
}

/** A US Letter Helvetica PDF with one page per content stream (latin1), its xref offsets exact. */
export function pdfDocument(contentStreams: readonly string[]): Buffer {
  const count = contentStreams.length;
  // Objects: 1 catalog, 2 page tree, 3 font, then a page and its content stream for each page.
  const pageObject = (n: number): number => 4 + n * 2;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    `<< /Type /Pages /Kids [${contentStreams.map((_, n) => `${pageObject(n)} 0 R`).join(' ')}] /Count ${count} >>`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  contentStreams.forEach((stream, n) => {
    objects.push(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents ${pageObject(n) + 1} 0 R /Resources << /Font << /F1 3 0 R >> >> >>`,
      `<< /Length ${Buffer.byteLength(stream, 'latin1')} >>\nstream\n${stream}\nendstream`,
    );
  });
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, index) => {
    offsets.push(Buffer.byteLength(body, 'latin1'));
    body += `${index + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xrefOffset = Buffer.byteLength(body, 'latin1');
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  body += offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('');
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xrefOffset}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

/** Text lines as a content stream: the first as an 18 pt title, the rest 12 pt, 22 pt apart. */
export function textPage(lines: readonly string[]): string {
  const escape = (text: string): string => text.replace(/[()\\]/g, (c) => `\\${c}`);
  const [title, ...rest] = lines;
  return `BT /F1 18 Tf 72 720 Td (${escape(title)}) Tj /F1 12 Tf${rest.map((line) => ` 0 -26 Td (${escape(line)}) Tj`).join('')} ET`;
}

/** A two-page report, for OCR demos: text on each page the emulated OCR gives back. */
export function reportPdf(): Buffer {
  return pdfDocument([
    textPage(['Quarterly report Q3 2026', 'Acme Workspace grew to 4,210 paying teams (+12% on Q2).', 'Churn fell to 1.8% a month after the SSO launch.']),
    textPage(['Outlook', 'Q4 focuses on the mobile apps and audit-log streaming.', 'Hiring: 6 engineers, 2 designers.']),
  ]);
}

/** 0.5 s of a 440 Hz tone, 8 kHz 16-bit mono PCM. */
export function toneWav(): Buffer {
  const sampleRate = 8000;
  const samples = sampleRate / 2;
  const data = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) {
    data.writeInt16LE(Math.round(Math.sin((2 * Math.PI * 440 * i) / sampleRate) * 8000), i * 2);
  }
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

/** A 48x32 grayscale PNG with a few dark bars, like a scanned receipt thumbnail. */
export function receiptPng(): Buffer {
  const width = 48;
  const height = 32;
  const raw = Buffer.alloc((width + 1) * height, 0xf4);
  for (let y = 0; y < height; y++) {
    raw[y * (width + 1)] = 0;
    if (y % 6 === 3) raw.fill(0x30, y * (width + 1) + 5, y * (width + 1) + 5 + 20 + (y % 4) * 5);
  }
  const chunk = (type: string, payload: Buffer): Buffer => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(payload.length);
    const typed = Buffer.concat([Buffer.from(type, 'ascii'), payload]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(typed));
    return Buffer.concat([length, typed, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.writeUInt8(8, 8);
  ihdr.writeUInt8(0, 9);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
