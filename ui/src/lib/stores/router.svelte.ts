/**
 * The current route, kept in step with the address bar (history API). Links are plain `<a href>`
 * elements: App.svelte intercepts same-origin clicks and calls {@link go}.
 */
import { parseRoute, pathOf, type Route } from '../routes';

class Router {
  route = $state<Route>(parseRoute(typeof location === 'undefined' ? '/' : location.pathname));

  constructor() {
    if (typeof window !== 'undefined') {
      window.addEventListener('popstate', () => {
        this.route = parseRoute(location.pathname);
      });
    }
  }

  /** Goes to a path or route (pushes history unless `replace`). */
  go(to: string | Route, replace = false): void {
    const path = typeof to === 'string' ? to : pathOf(to);
    if (path !== location.pathname + location.search) {
      if (replace) history.replaceState(null, '', path);
      else history.pushState(null, '', path);
    }
    this.route = parseRoute(new URL(path, location.origin).pathname);
  }
}

export const router = new Router();
