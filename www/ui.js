// Small DOM helpers. Text always goes in through textContent: server data is never parsed as HTML.
import { describeError } from "./format.js";

export const $ = (id) => document.getElementById(id);

/** Builds an element; string children become text nodes. */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "text") node.textContent = value;
    else if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  node.append(...children.filter((child) => child !== null && child !== undefined));
  return node;
}

export function showError(target, error) {
  target.textContent = describeError(error);
  target.hidden = false;
}

export function clearError(target) {
  target.textContent = "";
  target.hidden = true;
}

/**
 * Runs `work` with the buttons disabled and marked aria-busy; errors land in `errorTarget`.
 * Resolves with work's result, or undefined when it failed.
 */
export async function busy(buttons, errorTarget, work) {
  const list = Array.isArray(buttons) ? buttons : [buttons];
  for (const button of list) {
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
  }
  if (errorTarget) clearError(errorTarget);
  try {
    return await work();
  } catch (error) {
    if (!errorTarget) throw error;
    showError(errorTarget, error);
    return undefined;
  } finally {
    for (const button of list) {
      button.disabled = false;
      button.removeAttribute("aria-busy");
    }
  }
}

/** The page asks the user to fix a field before anything is sent. */
export class FormError extends Error {
  name = "FormError";
}

/** The Date a datetime-local input holds (browser time zone); FormError when it is empty. */
export function readExpiry(input) {
  if (!input.value) throw new FormError("Choose an expiration date.");
  return new Date(input.value);
}
