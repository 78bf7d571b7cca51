import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';

/** Screenshots land here (ignored by git). */
export const ARTIFACTS_DIR = fileURLToPath(new URL('../artifacts', import.meta.url));

/**
 * Drops a file on the window the way a person does: a real DragEvent with a DataTransfer
 * holding a File, dispatched as dragenter → dragover → drop on the drop zone. Returns
 * whether the drop target became visible while dragging.
 */
export async function dropProfile(page: Page, fileName: string, text: string): Promise<boolean> {
  return page.evaluate(async ({ fileName, text }) => {
    const zone = document.querySelector('[data-testid="drop-zone"]');
    if (!zone) throw new Error('no drop zone');
    const transfer = new DataTransfer();
    transfer.items.add(new File([text], fileName, { type: 'application/x-openvpn-profile' }));
    zone.dispatchEvent(new DragEvent('dragenter', { bubbles: true, cancelable: true, dataTransfer: transfer }));
    zone.dispatchEvent(new DragEvent('dragover', { bubbles: true, cancelable: true, dataTransfer: transfer }));
    // React renders the overlay on its own schedule: give it a few frames.
    let overlayShown = false;
    for (let frame = 0; frame < 30 && !overlayShown; frame++) {
      await new Promise((resolve) => requestAnimationFrame(resolve));
      overlayShown = document.querySelector('[data-testid="drop-overlay"]') !== null;
    }
    zone.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: transfer }));
    return overlayShown;
  }, { fileName, text });
}

/** axe-core on the page as it is: no serious or critical violations. */
export async function assertAccessible(page: Page, screen: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`), [], `accessibility on the ${screen} screen`);
}

/** Saves a screenshot of a screen under e2e/artifacts/, for people to look at. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const path = `${ARTIFACTS_DIR}/${name}.png`;
  await page.screenshot({ path, fullPage: true });
  return path;
}
