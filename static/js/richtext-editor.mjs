// A small formatted-text editor for textareas marked data-richtext. Without JavaScript the textarea holds the HTML
// itself (the server sanitises it on every save). With it, a toolbar of labelled buttons formats an editable copy,
// which is written back into the textarea, cleaned, whenever it changes and before the form is sent.

const ALLOWED = new Set(["H2", "H3", "P", "UL", "OL", "LI", "STRONG", "B", "EM", "I", "A", "BR"]);
const DROPPED = new Set(["SCRIPT", "STYLE", "TEMPLATE", "IFRAME", "OBJECT", "SVG", "MATH"]);
const RENAMED = { H1: "H2", H4: "H3", H5: "H3", H6: "H3", DIV: "P" };

const COMMANDS = [
  { label: "Heading", command: "formatBlock", value: "h2" },
  { label: "Subheading", command: "formatBlock", value: "h3" },
  { label: "Paragraph", command: "formatBlock", value: "p" },
  { label: "Bulleted list", command: "insertUnorderedList" },
  { label: "Numbered list", command: "insertOrderedList" },
  { label: "Bold", command: "bold", keys: "Control+B" },
  { label: "Italic", command: "italic", keys: "Control+I" },
];

// Copy only the allowed elements and link addresses from an inert document into `target`.
function copyAllowed(source, target) {
  for (const node of source.childNodes) {
    if (node.nodeType === Node.TEXT_NODE) {
      target.append(document.createTextNode(node.textContent));
      continue;
    }
    if (node.nodeType !== Node.ELEMENT_NODE || DROPPED.has(node.tagName)) continue;
    const tag = RENAMED[node.tagName] || node.tagName;
    if (!ALLOWED.has(tag)) {
      copyAllowed(node, target);
      continue;
    }
    const copy = document.createElement(tag);
    if (tag === "A") {
      const href = (node.getAttribute("href") || "").trim();
      if (/^(https:\/\/|mailto:)/i.test(href)) copy.setAttribute("href", href);
    }
    copyAllowed(node, copy);
    target.append(copy);
  }
}

function cleanHtml(html) {
  const inert = new DOMParser().parseFromString(`<body>${html}</body>`, "text/html");
  const holder = document.createElement("div");
  copyAllowed(inert.body, holder);
  return holder;
}

function enhance(textarea, index) {
  const label = document.querySelector(`label[for="${textarea.id}"]`);
  const wrapper = document.createElement("div");
  wrapper.className = "app-richtext";

  const toolbar = document.createElement("div");
  toolbar.className = "app-richtext__toolbar";
  toolbar.setAttribute("role", "toolbar");
  toolbar.setAttribute("aria-label", `Formatting for ${label ? label.textContent.trim() : "the text"}`);

  const editor = document.createElement("div");
  editor.className = "app-richtext__editor govuk-body";
  editor.id = `${textarea.id || "richtext"}-editor-${index}`;
  editor.contentEditable = "true";
  editor.setAttribute("role", "textbox");
  editor.setAttribute("aria-multiline", "true");
  if (label) {
    label.id = label.id || `${textarea.id}-label`;
    editor.setAttribute("aria-labelledby", label.id);
  }
  const described = textarea.getAttribute("aria-describedby");
  if (described) editor.setAttribute("aria-describedby", described);
  toolbar.setAttribute("aria-controls", editor.id);
  editor.replaceChildren(...cleanHtml(textarea.value).childNodes);

  let savedRange = null;
  const saveRange = () => {
    const selection = window.getSelection();
    if (selection.rangeCount && editor.contains(selection.anchorNode)) savedRange = selection.getRangeAt(0);
  };
  const restoreRange = () => {
    editor.focus();
    if (savedRange) {
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(savedRange);
    }
  };
  const sync = () => {
    textarea.value = cleanHtml(editor.innerHTML).innerHTML;
  };
  document.addEventListener("selectionchange", saveRange);
  // Also as focus leaves the editor: selectionchange arrives a moment later, and someone who selects with the
  // keyboard and moves straight to the toolbar would otherwise format the selection before the last.
  editor.addEventListener("blur", saveRange);
  editor.addEventListener("input", sync);
  editor.addEventListener("paste", (event) => {
    // Pasted text keeps only the allowed formatting.
    event.preventDefault();
    const html = event.clipboardData.getData("text/html");
    const text = event.clipboardData.getData("text/plain");
    if (html) {
      document.execCommand("insertHTML", false, cleanHtml(html).innerHTML);
    } else {
      document.execCommand("insertText", false, text);
    }
    sync();
  });

  const buttons = COMMANDS.map(({ label: text, command, value, keys }, position) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "govuk-button govuk-button--secondary app-richtext__button";
    button.textContent = text;
    button.tabIndex = position === 0 ? 0 : -1;
    if (keys) button.setAttribute("aria-keyshortcuts", keys);
    button.addEventListener("mousedown", (event) => event.preventDefault());
    button.addEventListener("click", () => {
      restoreRange();
      document.execCommand(command, false, value);
      sync();
      saveRange();
    });
    toolbar.append(button);
    return button;
  });

  // One tab stop for the toolbar; arrow keys, Home and End move between its buttons.
  toolbar.addEventListener("keydown", (event) => {
    const current = buttons.indexOf(document.activeElement);
    if (current < 0) return;
    const moves = { ArrowRight: current + 1, ArrowLeft: current - 1, Home: 0, End: buttons.length - 1 };
    if (!(event.key in moves)) return;
    event.preventDefault();
    const next = (moves[event.key] + buttons.length) % buttons.length;
    buttons[current].tabIndex = -1;
    buttons[next].tabIndex = 0;
    buttons[next].focus();
  });

  // The HTML stays one button away, for people who prefer it or whose tools work better with a plain textarea.
  const toggle = document.createElement("button");
  toggle.type = "button";
  toggle.className = "govuk-button govuk-button--secondary app-richtext__toggle";
  toggle.textContent = "Edit the HTML instead";
  toggle.addEventListener("click", () => {
    const toHtml = textarea.hidden;
    if (toHtml) {
      sync();
    } else {
      editor.replaceChildren(...cleanHtml(textarea.value).childNodes);
    }
    textarea.hidden = !toHtml;
    wrapper.hidden = toHtml;
    toggle.textContent = toHtml ? "Use the formatting toolbar" : "Edit the HTML instead";
    (toHtml ? textarea : editor).focus();
  });

  wrapper.append(toolbar, editor);
  textarea.hidden = true;
  textarea.before(wrapper);
  textarea.after(toggle);
  textarea.form?.addEventListener("submit", () => {
    if (textarea.hidden) sync();
  });
}

document.querySelectorAll("textarea[data-richtext]").forEach(enhance);
