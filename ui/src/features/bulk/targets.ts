/**
 * Names on screen, ids on the wire: the views keep a collection's path and a campaign's name
 * (they are what the address bar and the filters hold), and an intent names them by id. These
 * look the id up in the lists the server gives.
 */
import { api } from '../../lib/api/client';

/** The id of the collection at `path` in `brand`, or null when it isn't there. */
export async function collectionId(path: string, brand: string): Promise<string | null> {
  const list = await api.collections(brand).catch(() => []);
  const key = path.toLocaleLowerCase();
  return list.find((c) => c.path.toLocaleLowerCase() === key)?.id ?? null;
}

/**
 * The id of the campaign called `name` — in `brand` when given, otherwise the one campaign of
 * that name the user sees (null when none, or several brands have one).
 */
export async function campaignId(name: string, brand: string | null): Promise<string | null> {
  const list = await api.campaigns(brand).catch(() => []);
  const key = name.toLocaleLowerCase();
  const found = list.filter((c) => c.name.toLocaleLowerCase() === key);
  return found.length === 1 ? found[0]!.id : null;
}
