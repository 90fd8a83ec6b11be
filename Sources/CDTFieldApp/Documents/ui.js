// Building screens: elements, the two languages, labelled fields with their error slots, the live region.
let language = localStorage.getItem('cdt-language') === 'en' ? 'en' : 'vi';

/** The current language, `vi` (the default) or `en`. */
export function currentLanguage() { return language; }

/** Switches the language and remembers it on the phone. */
export function setLanguage(next) {
  language = next === 'en' ? 'en' : 'vi';
  localStorage.setItem('cdt-language', language);
  document.documentElement.lang = language;
}

/** `vi` or `en` as the language asks; `t(['…', '…'])` takes a pair too. */
export function t(vi, en) {
  if (Array.isArray(vi)) [vi, en] = vi;
  return language === 'en' && en ? en : vi;
}

/** An element: `h('button', {class: 'primary', on: {click}}, 'Gửi')`. Children may be strings, nodes,
 *  arrays or null; attributes set to false, null or undefined are left out. */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (name === 'on') { for (const [event, handler] of Object.entries(value)) element.addEventListener(event, handler); continue; }
    if (value === false || value === null || value === undefined) continue;
    if (name === 'value' && 'value' in element) { element.value = value; element.setAttribute('value', value); continue; }
    if (name === 'checked') { element.checked = Boolean(value); if (value) element.setAttribute('checked', ''); continue; }
    element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(element, child);
    else element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Says `text` through the page's live region, for screen readers (and shows it as a toast). */
export function announce(text) {
  const region = document.getElementById('announcer');
  if (!region) return;
  region.textContent = '';
  setTimeout(() => { region.textContent = text; }, 50);
}

/** A labelled control with a slot for its error message:
 *  `field({id, label: [vi, en], type, options: [[value, [vi, en]]], value, required, help, attributes})`. */
export function field({ id, label, type = 'text', options = [], value = '', required = false, help = null, attributes = {} }) {
  const described = [help ? `${id}-help` : null, `${id}-error`].filter(Boolean).join(' ');
  const common = { id, name: id, required, 'aria-describedby': described, ...attributes };
  let control;
  if (type === 'select') {
    control = h('select', common, options.map(([optionValue, optionLabel]) =>
      h('option', { value: optionValue, selected: String(optionValue) === String(value) }, t(optionLabel))));
  } else if (type === 'textarea') {
    control = h('textarea', { ...common, rows: 3 }, value || '');
  } else {
    control = h('input', { ...common, type, value: value === null ? '' : value });
  }
  return h('div', { class: 'field' },
    h('label', { for: id }, t(label), required ? h('span', { class: 'required', 'aria-hidden': 'true' }, ' *') : null),
    help ? h('p', { class: 'help', id: `${id}-help` }, t(help)) : null,
    control,
    h('p', { class: 'error', id: `${id}-error`, hidden: true }));
}

/** A group of radio buttons with a legend: `choice({name, legend, options: [[value, [vi, en]]], value})`. */
export function choice({ name, legend, options, value = null, help = null }) {
  return h('fieldset', { class: 'choice', id: `${name}-group`, 'aria-describedby': `${name}-error` },
    h('legend', {}, t(legend)),
    help ? h('p', { class: 'help' }, t(help)) : null,
    h('div', { class: 'options' }, options.map(([optionValue, optionLabel], index) => {
      const id = `${name}-${index}`;
      return h('span', { class: 'option' },
        h('input', { type: 'radio', id, name, value: optionValue, checked: String(optionValue) === String(value) }),
        h('label', { for: id }, t(optionLabel)));
    })),
    h('p', { class: 'error', id: `${name}-error`, hidden: true }));
}

/** Puts each message beside its field (`{fieldId: [vi, en]}`), marks the fields invalid and focuses the
 *  first; clears the messages of the others. Answers whether there were any. */
export function showErrors(form, messages) {
  for (const slot of form.querySelectorAll('.error')) { slot.hidden = true; slot.textContent = ''; }
  for (const control of form.querySelectorAll('[aria-invalid]')) control.removeAttribute('aria-invalid');
  let first = null;
  for (const [id, message] of Object.entries(messages)) {
    const slot = form.querySelector(`#${CSS.escape(id)}-error`);
    const control = form.querySelector(`#${CSS.escape(id)}`) || form.querySelector(`#${CSS.escape(id)}-group`);
    if (slot) { slot.hidden = false; slot.textContent = t(message); }
    if (control) { control.setAttribute('aria-invalid', 'true'); first = first || control; }
  }
  if (first) {
    const target = first.matches('fieldset') ? first.querySelector('input') : first;
    (target || first).focus();
  }
  if (Object.keys(messages).length) announce(Object.values(messages).map(message => t(message)).join(' '));
  return Object.keys(messages).length > 0;
}

/** Removes diacritics and case, so `nguyen van` finds `Nguyễn Văn` and either tone-mark placement matches. */
export function searchKey(text) {
  return String(text || '').normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐ]/g, 'd').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** Vietnamese order for names (diacritics after their base letter, `đ` after `d`). */
export const collator = new Intl.Collator('vi', { sensitivity: 'base', numeric: true });

/** How many people, in the current language: `4 người`, `1 person`, `4 people`. */
export function people(count) {
  return t(`${count} người`, `${count} ${count === 1 ? 'person' : 'people'}`);
}

/** A day or an instant shown as a person reads it (`12/11/2025`, with the time when `withTime`). */
export function formatDate(value, withTime = false) {
  if (!value) return '';
  const date = new Date(value.length === 10 ? `${value}T00:00:00+07:00` : value);
  const options = { timeZone: 'Asia/Ho_Chi_Minh', day: '2-digit', month: '2-digit', year: 'numeric' };
  if (withTime) Object.assign(options, { hour: '2-digit', minute: '2-digit' });
  return date.toLocaleString(language === 'en' ? 'en-GB' : 'vi-VN', options);
}

/** Today in Vietnam, `YYYY-MM-DD`. */
export function today() {
  return new Date(Date.now() + 7 * 3600 * 1000).toISOString().slice(0, 10);
}

/** A fresh random id (UUID version 4) for an event, a team, a member, a household or a training.
 *  `crypto.randomUUID` exists only on HTTPS (and localhost); the same from `getRandomValues` elsewhere. */
export function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map(byte => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
