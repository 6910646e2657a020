// wiel's page without this script works the same; with it, two things come sooner:
// search results while typing (on /zoeken), and new entries as they arrive (on the front
// page, over /nieuw). Nothing typed or received is ever put in as markup.
(() => {
  'use strict';

  const form = document.querySelector('form.search');
  const input = form && form.querySelector('input[name=q]');
  const status = document.getElementById('zoekstatus');
  if (form && input && status && document.getElementById('resultaten')) {
    let timer;
    let asked = 0;
    input.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        if (input.value.trim().length < 2) return;
        const query = new URLSearchParams(new FormData(form)).toString();
        const mine = ++asked;
        try {
          const response = await fetch('/zoeken?' + query, { credentials: 'same-origin' });
          if (!response.ok || mine !== asked) return;
          const page = new DOMParser().parseFromString(await response.text(), 'text/html');
          const fresh = page.getElementById('resultaten');
          const shown = document.getElementById('resultaten');
          if (!fresh || !shown || mine !== asked) return;
          shown.replaceWith(document.adoptNode(fresh));
          status.textContent = fresh.dataset.status || '';
          history.replaceState(null, '', '/zoeken?' + query);
        } catch (_) {
          // Offline or the node restarting: the search button still works.
        }
      }, 300);
    });
  }

  const notices = document.getElementById('nieuw');
  if (notices && window.EventSource) {
    const source = new EventSource('/nieuw');
    source.addEventListener('bericht', (event) => {
      const entry = JSON.parse(event.data);
      const line = document.createElement('p');
      line.append(notices.dataset.label + ' ');
      const link = document.createElement('a');
      link.href = entry.href;
      link.textContent = entry.title;
      line.append(link);
      notices.prepend(line);
    });
  }
})();
