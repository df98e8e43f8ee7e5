/** One page of a list: `page` is 1-based, `limit` at most 100. */
export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  limit: number;
}

/**
 * Walks every page from `first` on, yielding items one by one; the next page is fetched only
 * when the current one is used up, and iteration stops at the last page.
 */
export async function* paginate<T>(fetchPage: (page: number) => Promise<Page<T>>, first = 1): AsyncGenerator<T, void, undefined> {
  let page = first;
  for (;;) {
    const current = await fetchPage(page);
    yield* current.items;
    if (current.items.length === 0 || current.page * current.limit >= current.total) return;
    page = current.page + 1;
  }
}
