// Each page's entry ends with `mount(<Page />)`: renders into the shell's #app.
import { render, type VNode } from 'preact';

export function mount(page: VNode): void {
  const root = document.getElementById('app');
  if (!root) throw new Error('#app missing from the shell');
  root.textContent = '';
  render(page, root);
}
