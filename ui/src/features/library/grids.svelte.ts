/**
 * The grid on screen (the top bar's search box and the shortcuts act on it) and the Library's
 * own grid, which lives for the whole session so that coming back keeps its place.
 */
import { GridController } from './controller.svelte';

class Grids {
  active = $state<GridController | null>(null);
}

export const grids = new Grids();

export const libraryGrid = new GridController();
