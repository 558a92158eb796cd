/**
 * RFC 9493 subject identifiers, plus the SSF additions (`jwt_id`, `saml_assertion_id`,
 * `ip-addresses`, `complex`). Parsed into a canonical key per simple identifier, so that an
 * identifier can be looked up whatever the order or case of its members.
 */
export class SubjectIdError extends Error {
  readonly type = 'SubjectIdError' as const;
  readonly code = 'ERR_SUBJECT_ID' as const;
}

export interface SimpleSubject {
  readonly format: string;
  /** `email:alice@example.com`, `iss_sub:<iss> <sub>`, `opaque:<id>`, ... */
  readonly key: string;
  readonly members: Readonly<Record<string, string>>;
}

export const COMPLEX_MEMBERS = ['user', 'device', 'session', 'application', 'tenant', 'org_unit', 'group'] as const;
export type ComplexMember = (typeof COMPLEX_MEMBERS)[number];

export type SubjectId =
  | { readonly kind: 'simple'; readonly subject: SimpleSubject }
  | { readonly kind: 'aliases'; readonly subjects: readonly SimpleSubject[] }
  | {
      readonly kind: 'complex';
      readonly members: Readonly<Partial<Record<string, SimpleSubject | { kind: 'aliases'; subjects: SimpleSubject[] }>>>;
    };

/** Required string members per simple format. */
const FORMATS: Record<string, readonly string[]> = {
  account: ['uri'],
  email: ['email'],
  iss_sub: ['iss', 'sub'],
  opaque: ['id'],
  phone_number: ['phone_number'],
  did: ['url'],
  uri: ['uri'],
  jwt_id: ['iss', 'jti'],
  saml_assertion_id: ['issuer', 'assertion_id'],
};

const MAX_LENGTH = 1024;

function str(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_LENGTH)
    throw new SubjectIdError(`${name} must be a non-empty string`);
  return value;
}

function canonicalKey(format: string, members: Record<string, string>): string {
  switch (format) {
    case 'email':
      return `email:${members.email?.toLowerCase()}`;
    case 'account': {
      const uri = members.uri as string;
      if (!/^acct:[^@\s]+@[^@\s]+$/i.test(uri)) throw new SubjectIdError('account uri must be an acct: URI');
      return `email:${uri.slice(5).toLowerCase()}`; // acct:user@host names the same mailbox-style account
    }
    case 'phone_number':
      if (!/^\+[1-9]\d{1,14}$/.test(members.phone_number as string)) throw new SubjectIdError('phone_number must be E.164');
      return `phone_number:${members.phone_number}`;
    case 'iss_sub':
      return `iss_sub:${members.iss} ${members.sub}`;
    case 'jwt_id':
      return `jwt_id:${members.iss} ${members.jti}`;
    case 'saml_assertion_id':
      return `saml_assertion_id:${members.issuer} ${members.assertion_id}`;
    default:
      return `${format}:${Object.values(members).join(' ')}`;
  }
}

function parseSimple(value: unknown): SimpleSubject {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new SubjectIdError('a subject identifier must be an object');
  const record = value as Record<string, unknown>;
  const format = str(record.format, 'format');
  if (format === 'ip-addresses') {
    const addresses = record['ip-addresses'];
    if (!Array.isArray(addresses) || addresses.length === 0) throw new SubjectIdError('ip-addresses must be a non-empty array');
    const list = addresses.map((a) => str(a, 'ip address'));
    return { format, key: `ip-addresses:${[...list].sort().join(',')}`, members: { 'ip-addresses': list.join(',') } };
  }
  const required = FORMATS[format];
  if (!required) throw new SubjectIdError(`unsupported subject identifier format ${JSON.stringify(format).slice(0, 64)}`);
  const members: Record<string, string> = {};
  for (const name of required) members[name] = str(record[name], name);
  return { format, key: canonicalKey(format, members), members };
}

function parseAliases(value: Record<string, unknown>): SimpleSubject[] {
  const identifiers = value.identifiers;
  if (!Array.isArray(identifiers) || identifiers.length === 0) throw new SubjectIdError('aliases needs a non-empty identifiers array');
  return identifiers.map((item) => {
    if (item && typeof item === 'object' && (item as Record<string, unknown>).format === 'aliases')
      throw new SubjectIdError('nested aliases are not allowed');
    return parseSimple(item);
  });
}

/** Parses `sub_id`. Throws `SubjectIdError` on anything malformed or of an unknown format. */
export function parseSubjectId(value: unknown): SubjectId {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new SubjectIdError('sub_id must be an object');
  const record = value as Record<string, unknown>;
  if (record.format === 'aliases') return { kind: 'aliases', subjects: parseAliases(record) };
  if (record.format !== 'complex') return { kind: 'simple', subject: parseSimple(record) };
  const members: Record<string, SimpleSubject | { kind: 'aliases'; subjects: SimpleSubject[] }> = {};
  for (const [name, member] of Object.entries(record)) {
    if (name === 'format') continue;
    if (member && typeof member === 'object' && (member as Record<string, unknown>).format === 'aliases') {
      members[name] = { kind: 'aliases', subjects: parseAliases(member as Record<string, unknown>) };
    } else if (COMPLEX_MEMBERS.includes(name as ComplexMember)) {
      members[name] = parseSimple(member);
    }
    // Other member names are allowed by SSF and ignored unless declared critical.
  }
  if (Object.keys(members).length === 0) throw new SubjectIdError('a complex subject needs at least one member');
  return { kind: 'complex', members };
}

/** Every simple identifier a subject (or one complex member) can be known by. */
export function simpleSubjects(
  subject: SimpleSubject | { kind: 'aliases'; subjects: readonly SimpleSubject[] } | undefined,
): readonly SimpleSubject[] {
  if (!subject) return [];
  return 'kind' in subject ? subject.subjects : [subject];
}

/** Canonical key of an identifier object as the ingest API receives it (`user.linked`). */
export function identifierKey(value: unknown): string {
  return parseSimple(value).key;
}
