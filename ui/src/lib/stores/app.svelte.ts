/**
 * App-wide catalog state: the session, brands, projects and tags, the brand scope chosen in the
 * top bar (SPEC R3.4, persisted in localStorage) and the "current project" that uploads go to.
 * Each list reloads itself when the change journal says its kind of thing changed.
 */
import { api, type BrandInfo, type ProjectInfo, type Session, type TagInfo } from '../api/client';
import { toastError } from './toasts.svelte';

const SCOPE_KEY = 'atelier.brand';
const PROJECT_KEY = 'atelier.project';

function load(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function save(key: string, v: string | null): void {
  try {
    if (v === null) localStorage.removeItem(key);
    else localStorage.setItem(key, v);
  } catch {
    // private mode: not persisted, still works
  }
}

class AppState {
  session = $state<Session | null>(null);
  sessionError = $state<string | null>(null);
  brands = $state<BrandInfo[]>([]);
  brandsLoaded = $state(false);
  projects = $state<ProjectInfo[]>([]);
  projectsLoaded = $state(false);
  tags = $state<TagInfo[]>([]);
  /** The brand scope: a brand name, or null for All brands. */
  scope = $state<string | null>(load(SCOPE_KEY));
  /** The project uploads and drops go to (the one last opened, else the server's default). */
  currentProject = $state<string | null>(load(PROJECT_KEY));
  /** Set once the studio answered `needs_studio`: standalone library. */
  standalone = $state(false);

  teamBrands = $derived(this.brands.filter((b) => !b.personal));
  personalBrand = $derived(this.brands.find((b) => b.personal) ?? null);
  activeProjects = $derived(this.projects.filter((p) => !p.archived));

  setScope(brand: string | null): void {
    this.scope = brand;
    save(SCOPE_KEY, brand);
  }

  setCurrentProject(name: string | null): void {
    this.currentProject = name;
    save(PROJECT_KEY, name);
  }

  brand(name: string | null | undefined): BrandInfo | undefined {
    return name ? this.brands.find((b) => b.name === name) : undefined;
  }

  isPersonal(name: string | null | undefined): boolean {
    return !!name && (this.brand(name)?.personal ?? name === 'Personal');
  }

  async loadSession(): Promise<void> {
    try {
      this.session = await api.session();
      this.sessionError = null;
    } catch (e) {
      this.sessionError = e instanceof Error ? e.message : String(e);
    }
  }

  async reloadBrands(): Promise<void> {
    try {
      this.brands = await api.brands();
      this.brandsLoaded = true;
      // A persisted scope whose brand is gone (renamed, another library) falls back to All.
      if (this.scope !== null && !this.brands.some((b) => b.name === this.scope)) this.setScope(null);
    } catch (e) {
      toastError(e);
    }
  }

  async reloadProjects(): Promise<void> {
    try {
      this.projects = await api.projects();
      this.projectsLoaded = true;
      if (this.currentProject && !this.projects.some((p) => p.name === this.currentProject)) {
        this.setCurrentProject(null);
      }
    } catch (e) {
      toastError(e);
    }
  }

  async reloadTags(): Promise<void> {
    try {
      this.tags = await api.tags();
    } catch (e) {
      toastError(e);
    }
  }

  /** The project uploads go to: the current one if it still exists, else the first active. */
  uploadProject = $derived.by(() => {
    if (this.currentProject && this.projects.some((p) => p.name === this.currentProject && !p.archived)) {
      return this.currentProject;
    }
    return this.projects.find((p) => !p.archived)?.name ?? 'Inbox';
  });
}

export const app = new AppState();
