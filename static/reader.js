// glossa reader: progressive enhancement only. Every page is complete without this file.
//
// Offsets: the server counts Unicode code points into the document text (paragraphs' plain
// text joined by "\n\n"); JavaScript strings count UTF-16 units. Every offset is converted
// here, once, by counting code points of the text before it.
"use strict";

(function () {
  const article = document.querySelector("article.document");
  if (!article) return;
  const slug = article.dataset.slug;
  const documentIri = article.dataset.documentIri;
  const signedIn = article.dataset.signedIn === "true";
  const container = `/api/documents/${slug}/annotations/`;
  const status = document.getElementById("note-status");
  const announce = (message) => {
    if (status) status.textContent = message;
  };

  // ---- Actor legend ------------------------------------------------------------------
  const muted = new Set();
  const applyMutes = () => {
    for (const mark of article.querySelectorAll("mark.actor")) {
      mark.classList.toggle("muted", muted.has(mark.dataset.actor));
    }
  };
  for (const toggle of article.querySelectorAll("input.actor-toggle")) {
    toggle.disabled = false;
    toggle.addEventListener("change", () => {
      if (toggle.checked) muted.delete(toggle.value);
      else muted.add(toggle.value);
      applyMutes();
    });
  }
  const labels = document.getElementById("show-actor-labels");
  if (labels) {
    labels.disabled = false;
    const key = "glossa.showActorLabels";
    const apply = () => article.classList.toggle("show-actor-labels", labels.checked);
    labels.checked = localStorage.getItem(key) === "1";
    apply();
    labels.addEventListener("change", () => {
      localStorage.setItem(key, labels.checked ? "1" : "0");
      apply();
    });
  }

  // ---- Footnote popovers -------------------------------------------------------------
  let shownTip = null;
  const hideTip = () => {
    if (shownTip && shownTip.matches(":popover-open")) shownTip.hidePopover();
    shownTip = null;
  };
  const showTip = (link) => {
    const tip = document.getElementById(link.getAttribute("aria-describedby"));
    if (!tip || typeof tip.showPopover !== "function") return;
    hideTip();
    tip.showPopover();
    const box = link.getBoundingClientRect();
    const left = Math.max(8, Math.min(box.left, window.innerWidth - tip.offsetWidth - 8));
    const below = box.bottom + 6;
    const top = below + tip.offsetHeight > window.innerHeight ? box.top - tip.offsetHeight - 6 : below;
    tip.style.left = `${left}px`;
    tip.style.top = `${Math.max(8, top)}px`;
    shownTip = tip;
  };
  const bindFootnotes = (root) => {
    for (const link of root.querySelectorAll("sup.fn-ref a")) {
      link.addEventListener("mouseenter", () => showTip(link));
      link.addEventListener("focus", () => showTip(link));
      link.addEventListener("mouseleave", hideTip);
      link.addEventListener("blur", hideTip);
      link.addEventListener("click", hideTip);
    }
  };
  bindFootnotes(article);
  window.addEventListener("scroll", hideTip, { passive: true });

  // ---- Offsets -------------------------------------------------------------------------
  const codePoints = (text) => Array.from(text).length;
  const blocks = () => Array.from(article.querySelectorAll(".text .block"));
  // Text nodes a block's plain text is made of: everything but footnote marker digits.
  const textNodes = (block) => {
    const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT, {
      acceptNode: (node) => (node.parentElement.closest("sup.fn-ref") ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
    });
    const nodes = [];
    while (walker.nextNode()) nodes.push(walker.currentNode);
    return nodes;
  };
  const plainText = (block) => textNodes(block).map((n) => n.data).join("");
  // UTF-16 length of the block's plain text before the boundary (node, offset).
  const utf16Before = (block, node, offset) => {
    const range = document.createRange();
    range.setStart(block, 0);
    range.setEnd(node, offset);
    let length = 0;
    for (const text of textNodes(block)) {
      if (!range.intersectsNode(text)) continue;
      length += text === node ? offset : text === range.endContainer ? 0 : text.data.length;
    }
    return length;
  };
  const documentOffset = (node, offset) => {
    const element = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
    const block = element && element.closest(".text .block");
    if (!block) return null;
    const all = blocks();
    let start = 0;
    for (const other of all) {
      if (other === block) break;
      start += codePoints(plainText(other)) + 2;
    }
    const text = plainText(block);
    return start + codePoints(text.slice(0, utf16Before(block, node, offset)));
  };
  const documentText = () => blocks().map(plainText).join("\n\n");
  const selectionTarget = () => {
    const selection = window.getSelection();
    if (!selection || selection.isCollapsed || selection.rangeCount === 0) return null;
    const range = selection.getRangeAt(0);
    let start = documentOffset(range.startContainer, range.startOffset);
    let end = documentOffset(range.endContainer, range.endOffset);
    if (start === null || end === null) return null;
    const chars = Array.from(documentText());
    // Selections often carry white space at their edges; notes anchor on the words.
    while (start < end && /\s/u.test(chars[start])) start++;
    while (end > start && /\s/u.test(chars[end - 1])) end--;
    if (start >= end) return null;
    return { start, end, exact: chars.slice(start, end).join("") };
  };

  // ---- Notes: highlight ↔ margin, keyboard navigation ---------------------------------------
  const notes = () => Array.from(article.querySelectorAll("aside.note"));
  const focusNote = (aside) => {
    for (const mark of article.querySelectorAll("mark.note-highlight.active")) mark.classList.remove("active");
    for (const mark of article.querySelectorAll(`mark.note-highlight[data-annotation-id="${aside.dataset.annotationId}"]`)) {
      mark.classList.add("active");
    }
    aside.focus();
    aside.scrollIntoView({ block: "nearest" });
  };
  const moveBetweenNotes = (step) => {
    const all = notes();
    if (all.length === 0) return;
    const current = all.indexOf(document.activeElement.closest ? document.activeElement.closest("aside.note") : null);
    const next = current === -1 ? (step > 0 ? 0 : all.length - 1) : (current + step + all.length) % all.length;
    focusNote(all[next]);
  };
  const bindNotes = (root) => {
    for (const mark of root.querySelectorAll("mark.note-highlight")) {
      mark.addEventListener("click", () => {
        const aside = document.getElementById(`note-${mark.dataset.annotationId}`);
        if (aside) focusNote(aside);
      });
    }
    for (const actions of root.querySelectorAll(".note-actions")) {
      actions.hidden = false;
      const aside = actions.closest("aside.note");
      actions.querySelector(".note-edit").addEventListener("click", () => openEditor({ aside }));
      actions.querySelector(".note-delete").addEventListener("click", () => deleteNote(aside));
      const reattach = actions.querySelector(".note-reattach");
      if (reattach) {
        // Keep the reader's selection when the button is pressed.
        reattach.addEventListener("mousedown", (event) => event.preventDefault());
        reattach.addEventListener("click", () => reattachNote(aside));
      }
    }
  };
  bindNotes(article);

  // Re-renders the text, margins and orphans from the server, so there is one renderer.
  const refresh = async () => {
    const response = await fetch(window.location.pathname, { credentials: "same-origin" });
    if (!response.ok) throw new Error(`reload failed (${response.status})`);
    const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
    for (const selector of [".text", ".orphans"]) {
      const now = article.querySelector(selector);
      const next = fresh.querySelector(`article.document ${selector}`);
      if (now && next) now.replaceWith(document.adoptNode(next));
      else if (next) article.querySelector(".footnotes, .fn-tips")?.before(document.adoptNode(next));
      else if (now) now.remove();
    }
    applyMutes();
    bindFootnotes(article.querySelector(".text"));
    bindNotes(article);
  };

  if (!signedIn) {
    document.addEventListener("keydown", (event) => {
      if (event.target.closest("input, textarea, select")) return;
      if (event.key === "j") moveBetweenNotes(1);
      if (event.key === "k") moveBetweenNotes(-1);
      if (event.key === "Escape") hideTip();
    });
    return;
  }

  // ---- Taking notes ----------------------------------------------------------------------
  const dialog = document.getElementById("note-editor");
  const form = dialog.querySelector("form");
  const field = (id) => document.getElementById(id);
  const errorLine = dialog.querySelector(".form-error");
  const addButton = document.getElementById("add-note");
  let editing = null;

  const showError = (message) => {
    errorLine.textContent = message;
    errorLine.hidden = false;
    announce(message);
  };
  const explain = async (response) => {
    if (response.status === 412) return "This note was changed elsewhere — reload to see it.";
    if (response.status === 401) return "Your session has ended — sign in again.";
    try {
      const body = await response.json();
      return body.error.message;
    } catch {
      return `The server answered ${response.status}.`;
    }
  };

  const openEditor = ({ aside, target }) => {
    editing = aside ? { aside, id: aside.dataset.annotationId, etag: aside.dataset.etag } : { target };
    dialog.querySelector("h2").textContent = aside ? "Edit note" : "New note";
    dialog.querySelector(".note-form-quote").textContent = aside ? aside.querySelector(".note-quote").textContent : target.exact;
    field("note-body").value = aside ? aside.dataset.body : "";
    field("note-tags").value = aside ? aside.dataset.tags : "";
    field("note-motivation").value = aside ? aside.dataset.motivation : "commenting";
    field("note-visibility").value = aside ? aside.dataset.visibility : "team";
    errorLine.hidden = true;
    addButton.hidden = true;
    dialog.showModal();
    field("note-body").focus();
  };

  const annotationJson = (selector) => ({
    "@context": "http://www.w3.org/ns/anno.jsonld",
    type: "Annotation",
    motivation: field("note-motivation").value,
    visibility: field("note-visibility").value,
    body: [
      { type: "TextualBody", value: field("note-body").value, format: "text/markdown" },
      ...field("note-tags").value.split(",").map((t) => t.trim()).filter(Boolean)
        .map((tag) => ({ type: "TextualBody", value: tag, purpose: "tagging" })),
    ],
    target: { source: documentIri, selector },
  });

  // Replaces a note with the editor's fields and `selector`, if it is still at `etag`.
  const putNote = (id, etag, selector) => fetch(`${container}${id}`, {
    method: "PUT",
    credentials: "same-origin",
    headers: { "Content-Type": "application/ld+json", "If-Match": etag },
    body: JSON.stringify(annotationJson(selector)),
  });

  const save = async () => {
    let response;
    if (editing.aside) {
      const quote = editing.aside.querySelector(".note-quote").textContent;
      const current = await fetch(`${container}${editing.id}`, { credentials: "same-origin" });
      const selector = current.ok ? (await current.json()).target.selector : [{ type: "TextQuoteSelector", exact: quote }];
      response = await putNote(editing.id, editing.etag, selector);
    } else {
      const { start, end, exact } = editing.target;
      response = await fetch(container, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/ld+json" },
        body: JSON.stringify(annotationJson([
          { type: "TextQuoteSelector", exact },
          { type: "TextPositionSelector", start, end },
        ])),
      });
    }
    if (!response.ok) {
      showError(await explain(response));
      return;
    }
    const saved = await response.json();
    dialog.close();
    await refresh();
    const aside = document.getElementById(`note-${saved.id.split("/").pop()}`);
    if (aside) focusNote(aside);
    announce(editing.aside ? "Note saved." : "Note added.");
  };

  // An orphaned note is re-attached to the passage selected now; its text stays the same.
  const reattachNote = async (aside) => {
    const target = selectionTarget();
    if (!target) {
      const message = "Select the passage this note belongs to, then press Re-attach.";
      announce(message);
      window.alert(message);
      return;
    }
    field("note-body").value = aside.dataset.body;
    field("note-tags").value = aside.dataset.tags;
    field("note-motivation").value = aside.dataset.motivation;
    field("note-visibility").value = aside.dataset.visibility;
    const response = await putNote(aside.dataset.annotationId, aside.dataset.etag, [
      { type: "TextQuoteSelector", exact: target.exact },
      { type: "TextPositionSelector", start: target.start, end: target.end },
    ]);
    if (!response.ok) {
      const message = await explain(response);
      announce(message);
      window.alert(message);
      return;
    }
    await refresh();
    announce("Note re-attached.");
  };

  const deleteNote = async (aside) => {
    if (!window.confirm("Delete this note?")) return;
    const response = await fetch(`${container}${aside.dataset.annotationId}`, {
      method: "DELETE",
      credentials: "same-origin",
      headers: { "If-Match": aside.dataset.etag },
    });
    if (!response.ok) {
      const message = await explain(response);
      announce(message);
      window.alert(message);
      return;
    }
    await refresh();
    announce("Note deleted.");
  };

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    save().catch((error) => showError(`Could not save: ${error.message}`));
  });
  dialog.querySelector(".note-cancel").addEventListener("click", () => dialog.close());

  // The "Add note" control follows the selection, for mouse and keyboard selections alike.
  let pending = null;
  const placeAddButton = () => {
    pending = selectionTarget();
    if (!pending) {
      addButton.hidden = true;
      return;
    }
    const box = window.getSelection().getRangeAt(0).getBoundingClientRect();
    addButton.style.top = `${window.scrollY + box.bottom + 6}px`;
    addButton.style.left = `${window.scrollX + Math.max(8, box.left)}px`;
    addButton.hidden = false;
  };
  document.addEventListener("selectionchange", () => {
    if (!dialog.open) placeAddButton();
  });
  addButton.addEventListener("mousedown", (event) => event.preventDefault());
  addButton.addEventListener("click", () => {
    if (pending) openEditor({ target: pending });
  });

  document.addEventListener("keydown", (event) => {
    if (dialog.open || event.target.closest("input, textarea, select") || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "n") {
      const target = selectionTarget();
      if (target) {
        event.preventDefault();
        openEditor({ target });
      } else {
        announce("Select some text first, then press n to add a note.");
      }
    }
    if (event.key === "j") moveBetweenNotes(1);
    if (event.key === "k") moveBetweenNotes(-1);
    if (event.key === "Escape") hideTip();
  });
})();
