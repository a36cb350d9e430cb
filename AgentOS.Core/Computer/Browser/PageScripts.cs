namespace AgentOS.Computer.Browser;

/// <summary>
/// The JavaScript the tool runs in pages, each a function applied to JSON-encoded arguments. Elements get a
/// <c>data-agentos-ref</c> attribute the first time a snapshot lists them and keep it while the page lives, so a
/// reference stays valid across snapshots and actions; the next free number is kept on the root element.
/// </summary>
internal static class PageScripts
{
    private const string Find = "const el = document.querySelector('[data-agentos-ref=\"' + ref + '\"]');";

    public const string Snapshot = """
        (max) => {
          const root = document.documentElement;
          let next = Number(root.getAttribute('data-agentos-next') || '1');
          const selector = 'a[href],button,input,select,textarea,summary,[role=button],[role=link],[role=checkbox],[role=radio],[role=tab],[role=menuitem],[role=option],[role=switch],[contenteditable=""],[contenteditable=true],[onclick],[tabindex]:not([tabindex="-1"])';
          const clean = s => (s || '').replace(/\s+/g, ' ').trim().slice(0, 80);
          const elements = [];
          let more = false;
          for (const el of document.querySelectorAll(selector)) {
            if (el.type === 'hidden') continue;
            const box = el.getBoundingClientRect();
            const style = getComputedStyle(el);
            if ((box.width === 0 && box.height === 0) || style.visibility === 'hidden' || style.display === 'none') continue;
            if (elements.length >= max) { more = true; break; }
            let ref = el.getAttribute('data-agentos-ref');
            if (!ref) { ref = 'e' + next++; el.setAttribute('data-agentos-ref', ref); }
            const tag = el.tagName.toLowerCase();
            const labelled = el.labels && el.labels.length ? el.labels[0].innerText : '';
            const item = { ref, tag, label: clean(el.getAttribute('aria-label') || labelled || el.getAttribute('placeholder') || el.innerText || el.getAttribute('title') || el.getAttribute('alt') || (tag === 'input' && /^(submit|button|reset)$/.test(el.type) ? el.value : '')) };
            if (el.getAttribute('role')) item.role = el.getAttribute('role');
            if (tag === 'input') item.type = el.type;
            if (el.name) item.name = el.name;
            if ((tag === 'input' && !/^(submit|button|reset|checkbox|radio|file)$/.test(el.type)) || tag === 'textarea' || tag === 'select') item.value = String(el.value).slice(0, 200);
            if (tag === 'select') item.options = Array.from(el.options).slice(0, 50).map(o => clean(o.label));
            if (tag === 'a') item.href = el.href;
            if (el.disabled) item.disabled = true;
            if (el.checked) item.checked = true;
            elements.push(item);
          }
          root.setAttribute('data-agentos-next', String(next));
          return { url: location.href, title: document.title, elements, truncated: more };
        }
        """;

    public const string Text = """
        (max) => {
          const text = (document.body ? document.body.innerText : document.documentElement.innerText || '').replace(/\n{3,}/g, '\n\n').trim();
          return { url: location.href, title: document.title, text: text.slice(0, max), chars: text.length, truncated: text.length > max };
        }
        """;

    // Polls in the page (a MutationObserver misses text that changes through layout alone) until the text appears.
    public const string WaitText = """
        (needle, ms) => new Promise(resolve => {
          const start = Date.now();
          const check = () => {
            const text = document.body ? document.body.innerText : '';
            if (text.includes(needle)) resolve(true);
            else if (Date.now() - start >= ms) resolve(false);
            else setTimeout(check, 50);
          };
          check();
        })
        """;

    public const string Center = "(ref) => { " + Find + """
         if (!el) return null;
          el.scrollIntoView({ block: 'center', inline: 'center' });
          const box = el.getBoundingClientRect();
          return { x: box.left + box.width / 2, y: box.top + box.height / 2, tag: el.tagName.toLowerCase(), disabled: !!el.disabled };
        }
        """;

    public const string Focus = "(ref, clear) => { " + Find + """
         if (!el) return 'missing';
          el.scrollIntoView({ block: 'center', inline: 'center' });
          el.focus();
          if (clear) {
            if ('value' in el && el.tagName !== 'SELECT') { el.value = ''; el.dispatchEvent(new Event('input', { bubbles: true })); }
            else if (el.isContentEditable) el.textContent = '';
          }
          return document.activeElement === el ? 'ok' : 'unfocusable';
        }
        """;

    public const string Select = "(ref, wanted) => { " + Find + """
         if (!el) return { error: 'missing' };
          if (el.tagName !== 'SELECT') return { error: 'not_select', tag: el.tagName.toLowerCase() };
          const options = Array.from(el.options);
          const option = options.find(o => o.value === wanted) || options.find(o => o.label.trim() === wanted);
          if (!option) return { error: 'no_option', options: options.map(o => o.label.trim()) };
          el.value = option.value;
          el.dispatchEvent(new Event('input', { bubbles: true }));
          el.dispatchEvent(new Event('change', { bubbles: true }));
          return { value: option.value, label: option.label.trim() };
        }
        """;

    public const string Status = """
        () => {
          const entry = performance.getEntriesByType('navigation')[0];
          return { url: location.href, title: document.title, status: entry && entry.responseStatus ? entry.responseStatus : 0 };
        }
        """;
}
