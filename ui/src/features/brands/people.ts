/**
 * The studio's people as a brand's member picker offers them: everyone not yet a member of the
 * brand (members are named by email once the library is bound), found by name or email.
 */
import type { MemberInfo, StudioMember } from '../../lib/api/client';

/** "Ana Lima <ana@studio.test>": how a picked person reads in the field. */
export function personLabel(p: Pick<StudioMember, 'display_name' | 'email'>): string {
  return `${p.display_name} <${p.email}>`;
}

/** The people who may be added: not already members of the brand, by name. */
export function candidates(people: StudioMember[], members: MemberInfo[]): StudioMember[] {
  const taken = new Set(members.map((m) => m.user.trim().toLowerCase()));
  return people
    .filter((p) => !taken.has(p.email.trim().toLowerCase()))
    .sort((a, b) => a.display_name.localeCompare(b.display_name) || a.email.localeCompare(b.email));
}

/**
 * The people matching what was typed (their name, email, or both as the field shows them;
 * anywhere, case-insensitively; those that start with it first). Everyone when nothing is
 * typed, or when the field shows the person already picked (`picked`, an email), so the list
 * can be browsed again.
 */
export function matchPeople(people: StudioMember[], text: string, picked = ''): StudioMember[] {
  const q = text.trim().toLowerCase();
  if (!q) return people;
  const shown = picked ? people.find((p) => p.email === picked) : undefined;
  if (shown && personLabel(shown).toLowerCase() === q) return people;
  const starts = (p: StudioMember) =>
    p.display_name.toLowerCase().startsWith(q) || p.email.toLowerCase().startsWith(q) ? 0 : 1;
  return people
    .filter((p) => personLabel(p).toLowerCase().includes(q))
    .sort((a, b) => starts(a) - starts(b));
}
