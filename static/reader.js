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
  const containerIri = article.dataset.containerIri;
  const signedIn = article.dataset.signedIn === "true";
  const container = `/api/documents/${slug}/annotations/`;
  const status = document.getElementById("note-status");
  const announce = (message) => {
    if (status) status.textContent = message;
  };
  const textColumn = () => article.querySelector(".text");

  // ---- A visible hint, for what a status line alone would hide --------------------------
  const hint = document.getElementById("reader-hint");
  let hintTimer = null;
  // `parts` are strings, or [text, href] pairs that become links; nothing is parsed as HTML.
  const showHint = (parts, { sticky = false } = {}) => {
    if (!hint) return;
    hint.replaceChildren(...parts.map((part) => {
      if (typeof part === "string") return document.createTextNode(part);
      if (part[1] === "kbd") {
        const key = document.createElement("kbd");
        key.textContent = part[0];
        return key;
      }
      const link = document.createElement("a");
      link.textContent = part[0];
      link.href = part[1];
      return link;
    }));
    hint.hidden = false;
    hint.dataset.sticky = String(sticky);
    announce(hint.textContent);
    clearTimeout(hintTimer);
    if (!sticky) hintTimer = setTimeout(hideHint, 9000);
  };
  const hideHint = () => {
    if (hint) hint.hidden = true;
    clearTimeout(hintTimer);
  };
  // A passing hint is read by then once the reader acts elsewhere: it goes, rather than cover
  // the buttons of a note for the rest of its nine seconds.
  document.addEventListener("pointerdown", (event) => {
    if (hint && !hint.hidden && hint.dataset.sticky !== "true" && !hint.contains(event.target)) hideHint();
  });

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

  // ---- Voices: whose view each sentence gives ------------------------------------------
  const cues = document.getElementById("show-voice-cues");
  if (cues) {
    cues.disabled = false;
    const key = "glossa.showVoiceCues";
    const apply = () => article.classList.toggle("show-voice-cues", cues.checked);
    cues.checked = localStorage.getItem(key) === "1";
    apply();
    cues.addEventListener("change", () => {
      localStorage.setItem(key, cues.checked ? "1" : "0");
      apply();
    });
  }
  const voiceStatus = document.querySelector(".voices-status");
  const onlyButtons = Array.from(document.querySelectorAll("button.voice-only"));
  // "Show only": the chosen voice's sentences stay as they are, everything else is dimmed;
  // pressing the button again (or another voice's) changes back.
  const showOnly = (voice) => {
    const sentences = article.querySelectorAll(".voice-claim");
    let shown = 0;
    for (const sentence of sentences) {
      const chosen = voice !== null && sentence.dataset.voice === voice;
      sentence.classList.toggle("voice-chosen", chosen);
      if (chosen && sentence.classList.contains("voice-start")) shown += 1;
    }
    article.classList.toggle("voices-only", voice !== null);
    for (const button of onlyButtons) {
      const pressed = button.dataset.voice === voice;
      button.setAttribute("aria-pressed", pressed ? "true" : "false");
      button.querySelector(".only-words").textContent = pressed ? "Show all" : "Show only";
      // Heard as "Show only Chinese observers", or "Show all" once pressed.
      button.querySelector(".only-whom").hidden = pressed;
    }
    if (voiceStatus) {
      const label = onlyButtons
        .find((b) => b.dataset.voice === voice)
        ?.closest(".voice-entry")
        ?.querySelector(".voice-label")?.textContent;
      voiceStatus.textContent = voice === null
        ? "Showing every sentence."
        : `Showing only the ${shown === 1 ? "sentence" : `${shown} sentences`} giving the view of ${label}.`;
    }
    const first = voice === null ? null : article.querySelector(".voice-claim.voice-chosen");
    if (first) first.scrollIntoView({ block: "center", behavior: "smooth" });
  };
  // On a touch screen there is no hover: tapping a sentence says whose view it gives.
  if (window.matchMedia("(pointer: coarse)").matches) {
    article.addEventListener("click", (event) => {
      if (event.target.closest("a, button, input, summary, mark.note")) return;
      const claim = event.target.closest(".voice-claim");
      const selection = window.getSelection();
      if (claim && (!selection || selection.isCollapsed)) showHint([`Voice: ${claim.title}.`]);
    });
  }

  // A note saved lays the text out again from the server: the chosen voice's sentences are
  // chosen again in the new markup.
  const applyChosenVoice = () => {
    const voice = onlyButtons.find((b) => b.getAttribute("aria-pressed") === "true")?.dataset.voice;
    if (voice === undefined) return;
    for (const sentence of article.querySelectorAll(".voice-claim")) {
      sentence.classList.toggle("voice-chosen", sentence.dataset.voice === voice);
    }
  };
  for (const button of onlyButtons) {
    button.hidden = false;
    button.addEventListener("click", () => {
      showOnly(button.getAttribute("aria-pressed") === "true" ? null : button.dataset.voice);
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
      acceptNode: (node) => (node.parentElement.closest("sup.fn-ref, a.note-ref") ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
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
  // The DOM boundary at UTF-16 offset `at` of the block's plain text.
  const boundaryAt = (block, at) => {
    let seen = 0;
    const nodes = textNodes(block);
    for (const node of nodes) {
      if (at <= seen + node.data.length) return [node, at - seen];
      seen += node.data.length;
    }
    const last = nodes[nodes.length - 1];
    return last ? [last, last.data.length] : [block, 0];
  };
  const documentOffset = (node, offset) => {
    const element = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
    const block = element && element.closest(".text .block");
    if (!block) return null;
    let start = 0;
    for (const other of blocks()) {
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

  // Copying from the text copies the text: not paragraph numbers, notes or buttons.
  document.addEventListener("copy", (event) => {
    const selection = window.getSelection();
    if (!selection || selection.isCollapsed || selection.rangeCount === 0) return;
    const range = selection.getRangeAt(0);
    const inText = blocks().filter((block) => range.intersectsNode(block));
    if (inText.length === 0 || !textColumn().contains(range.commonAncestorContainer)) return;
    const pieces = inText.map((block) => {
      const text = plainText(block);
      const from = block.contains(range.startContainer) ? utf16Before(block, range.startContainer, range.startOffset) : 0;
      const to = block.contains(range.endContainer) ? utf16Before(block, range.endContainer, range.endOffset) : text.length;
      return text.slice(from, to);
    });
    event.clipboardData.setData("text/plain", pieces.join("\n\n"));
    event.preventDefault();
  });

  // ---- The margin: each note beside its quote, never pushing the text apart --------------
  // Wide screens: notes are placed at their quote's height, each pushed down only by the note
  // above it. When that leaves a note far below its quote, notes shrink to their first lines,
  // and then the notes of a crowded paragraph fold behind a "n more notes" button. The active
  // note (clicked, or reached by its highlight) sits exactly at its quote; the notes around it
  // move out of its way. Narrow screens: each paragraph's notes fold behind a button below it.
  const wide = window.matchMedia("(min-width: 56rem)");
  const GAP = 10;
  let activeId = null;
  const expandedParagraphs = new Set();
  // Notes the page's filter leaves shown; the others take no room in the margin.
  const SHOWN = "article.note:not(.filtered-out)";
  const notesIn = (root) => Array.from(root.querySelectorAll(`.margin ${SHOWN}`));
  const firstMark = (id) => article.querySelector(`.text mark.note-highlight[data-annotation-id="${id}"]`);

  // "Show all" is offered only on a note that shows less than all of itself.
  // All reads first, then all writes: interleaving them would lay the page out once per note.
  const markClipped = (notes) => {
    const clipped = notes.map((note) => {
      if (note.classList.contains("folded")) return false;
      const body = note.querySelector(".note-body");
      const hidden = note.querySelector(".note-tags, .note-actions:not([hidden]), .note-status");
      return body.scrollHeight > body.clientHeight + 1 || (note.classList.contains("compact") && hidden !== null);
    });
    notes.forEach((note, i) => note.classList.toggle("clipped", clipped[i]));
  };
  const addMoreButtons = (root) => {
    for (const note of root.querySelectorAll("article.note")) {
      if (note.querySelector(".note-more")) continue;
      const more = document.createElement("button");
      more.type = "button";
      more.className = "note-more";
      more.textContent = "Show all";
      more.setAttribute("aria-label", `Show all of ${note.getAttribute("aria-label")}`);
      more.addEventListener("click", (event) => {
        event.stopPropagation();
        activate(note, { focus: true });
      });
      (note.querySelector(":scope > .note-meta") || note.querySelector(":scope > .note-ghost")).append(more);
    }
  };

  const foldButton = (margin) => {
    let button = margin.querySelector(":scope > .more-notes");
    if (!button) {
      button = document.createElement("button");
      button.type = "button";
      button.className = "more-notes";
      button.setAttribute("aria-expanded", "false");
      button.addEventListener("click", () => {
        expandedParagraphs.add(margin.dataset.paragraph);
        const first = margin.querySelector("article.note.folded");
        layoutNotes();
        if (first) activate(first, { focus: true, keepOpen: true });
      });
      margin.append(button);
    }
    return button;
  };

  // Tops (px from the text column's top) for `items` ({el, want, h}), in order: each at its
  // wanted top or just below the item above, so no note ever sits above its quote.
  const stack = (items) => {
    const tops = [];
    items.forEach((item, i) => {
      tops.push(i === 0 ? Math.max(0, item.want) : Math.max(item.want, tops[i - 1] + items[i - 1].h + GAP));
    });
    return tops;
  };

  const layoutWide = (text) => {
    const notes = notesIn(text);
    // Past a few screens of notes the margin will be crowded anyway: notes start compact and
    // hidden, so that only the ones that will be shown are ever laid out.
    const many = notes.length > 40;
    for (const note of notes) {
      note.classList.toggle("folded", many);
      note.classList.toggle("compact", many);
    }
    for (const button of text.querySelectorAll(".more-notes")) button.hidden = true;
    if (notes.length === 0) {
      text.style.minHeight = "";
      return;
    }
    // Notes shrink once one would sit a quarter of a screen below its quote, and fold only
    // when one would still be more than half a screen away.
    const shrinkAt = window.innerHeight * 0.25;
    const foldAt = window.innerHeight * 0.6;
    const base = text.getBoundingClientRect().top;
    // One pass over the highlights, not one search per note: pages may hold thousands.
    const marks = new Map();
    for (const mark of text.querySelectorAll("mark.note-highlight")) {
      if (!marks.has(mark.dataset.annotationId)) marks.set(mark.dataset.annotationId, mark);
    }
    const want = new Map(notes.map((note) => {
      const mark = marks.get(note.dataset.annotationId);
      const box = (mark && mark.getClientRects()[0]) || note.closest(".row").getBoundingClientRect();
      return [note, box.top - base];
    }));
    const order = new Map(notes.map((note, i) => [note, i]));
    const heights = new Map();
    let buttonHeight = 0;
    // Every fold button is one line high: measuring each new one would lay the page out again.
    const height = (el) => {
      if (el.classList.contains("more-notes") && buttonHeight > 0) return buttonHeight;
      if (!heights.has(el)) heights.set(el, el.offsetHeight);
      if (el.classList.contains("more-notes")) buttonHeight = heights.get(el);
      return heights.get(el);
    };
    const folded = new Set();
    const marginOf = (note) => note.closest(".margin");
    const isActive = (el) => el.dataset.annotationId === activeId && activeId !== null;
    const mayFold = (note) => !isActive(note) && !expandedParagraphs.has(marginOf(note).dataset.paragraph);
    if (many) {
      // A first guess from one compact note's height: what lands too far below its quote
      // folds, with the rest of its paragraph's notes. The passes below correct it.
      notes[0].classList.remove("folded");
      const guess = notes[0].offsetHeight;
      const foldedParagraphs = new Set();
      let bottom = -Infinity;
      for (const note of notes) {
        const paragraph = marginOf(note).dataset.paragraph;
        const top = Math.max(want.get(note), bottom + GAP);
        if (mayFold(note) && (foldedParagraphs.has(paragraph) || top - want.get(note) > foldAt)) {
          folded.add(note);
          if (!foldedParagraphs.has(paragraph)) bottom = top + 2 * GAP;
          foldedParagraphs.add(paragraph);
        } else {
          bottom = top + guess;
        }
      }
    }
    // The visible notes and each paragraph's "n more notes" button, in margin order.
    const items = () => {
      for (const note of notes) note.classList.toggle("folded", folded.has(note));
      const list = notes.filter((n) => !folded.has(n)).map((el) => ({ el, want: want.get(el) }));
      for (const margin of text.querySelectorAll(".margin")) {
        const hidden = Array.from(margin.querySelectorAll(SHOWN)).filter((n) => folded.has(n));
        const button = margin.querySelector(":scope > .more-notes");
        if (hidden.length === 0) {
          if (button) button.hidden = true;
          continue;
        }
        const more = foldButton(margin);
        const all = hidden.length === margin.querySelectorAll(SHOWN).length;
        const noun = hidden.length === 1 ? "note" : "notes";
        more.textContent = all
          ? `${hidden.length} ${noun} on paragraph ${margin.dataset.paragraph} ▸`
          : `${hidden.length} more ${noun} on paragraph ${margin.dataset.paragraph} ▸`;
        more.hidden = false;
        list.push({ el: more, want: want.get(hidden[0]), at: order.get(hidden[hidden.length - 1]) + 0.5 });
      }
      for (const item of list) if (item.at === undefined) item.at = order.get(item.el);
      list.sort((x, y) => x.want - y.want || x.at - y.at);
      for (const item of list) item.h = height(item.el);
      return list;
    };
    const worst = (list, tops) => Math.max(0, ...list.map((item, i) => tops[i] - item.want));
    let list = items();
    let tops = stack(list);
    if (worst(list, tops) > shrinkAt) {
      for (const note of notes) note.classList.add("compact");
      heights.clear();
      list = items();
      tops = stack(list);
    }
    // Fold what still lands too far below its quote, a paragraph's later notes together.
    for (;;) {
      const far = list.findIndex((item, i) => item.el.matches("article.note") && tops[i] - item.want > foldAt && mayFold(item.el));
      if (far === -1) break;
      const margin = marginOf(list[far].el);
      const siblings = Array.from(margin.querySelectorAll(SHOWN));
      for (const note of siblings.slice(siblings.indexOf(list[far].el))) if (mayFold(note)) folded.add(note);
      list = items();
      tops = stack(list);
    }
    // The active note sits at its quote: the notes just above it that push it down fold,
    // nearest first, so notes far above keep their places. Notes of paragraphs the reader
    // opened fold last, and those of the active note's own opened paragraph never.
    const activeIndex = () => list.findIndex((item) => isActive(item.el));
    let anchor = activeIndex();
    while (anchor > 0 && tops[anchor] > list[anchor].want + 2) {
      const own = marginOf(list[anchor].el).dataset.paragraph;
      const above = list.slice(0, anchor).reverse().filter((item) => item.el.matches("article.note"));
      const pushing = above.find((item) => mayFold(item.el))
        || above.find((item) => !(expandedParagraphs.has(own) && marginOf(item.el).dataset.paragraph === own));
      if (!pushing) break;
      folded.add(pushing.el);
      list = items();
      tops = stack(list);
      anchor = activeIndex();
    }
    // Each note is positioned within its paragraph's row; tops are from the column's top.
    const rows = list.map((item) => (item.el.offsetParent ? item.el.offsetParent.getBoundingClientRect().top - base : 0));
    let bottom = 0;
    list.forEach((item, i) => {
      item.el.style.top = `${Math.round(tops[i] - rows[i])}px`;
      bottom = Math.max(bottom, tops[i] + item.h);
    });
    markClipped(notes);
    text.style.minHeight = "";
    if (bottom > text.offsetHeight) text.style.minHeight = `${Math.ceil(bottom)}px`;
  };

  const layoutNarrow = (text) => {
    text.style.minHeight = "";
    for (const note of notesIn(text)) {
      note.classList.remove("folded", "compact");
      note.style.top = "";
    }
    for (const margin of text.querySelectorAll(".margin")) {
      const count = margin.querySelectorAll(SHOWN).length;
      let toggle = margin.querySelector(":scope > .margin-toggle");
      if (count === 0) {
        // Every note here is filtered out: no button that would open nothing.
        if (toggle) toggle.hidden = true;
        continue;
      }
      if (!toggle) {
        toggle = document.createElement("button");
        toggle.type = "button";
        toggle.className = "margin-toggle";
        margin.id = margin.id || `margin-${margin.dataset.paragraph}`;
        toggle.setAttribute("aria-controls", margin.id);
        toggle.addEventListener("click", () => {
          const open = toggle.getAttribute("aria-expanded") !== "true";
          if (open) expandedParagraphs.add(margin.dataset.paragraph);
          else expandedParagraphs.delete(margin.dataset.paragraph);
          layoutNotes();
        });
        margin.prepend(toggle);
      }
      const open = expandedParagraphs.has(margin.dataset.paragraph);
      margin.classList.toggle("collapsed", !open);
      toggle.setAttribute("aria-expanded", String(open));
      const noun = count === 1 ? "note" : "notes";
      toggle.textContent = open ? `Hide ${noun} on paragraph ${margin.dataset.paragraph}` : `Show ${count} ${noun} on paragraph ${margin.dataset.paragraph}`;
    }
  };

  const clipPageNotes = () => {
    for (const note of article.querySelectorAll(".page-notes article.note")) {
      const body = note.querySelector(".note-body");
      note.classList.toggle("clipped", body.scrollHeight > 9.5 * parseFloat(getComputedStyle(body).fontSize) + 1);
    }
  };
  // ---- The notes filter: the margin, the page notes and the highlights in the text all show
  // only the notes that pass it. Applied before every layout, so notes added or refreshed
  // later follow it too.
  const filterPanel = article.querySelector(".notes-filter");
  const filterWords = filterPanel.querySelector(".nf-words");
  const filterFields = Array.from(filterPanel.querySelectorAll(".nf-field"));
  const filterCount = filterPanel.querySelector(".nf-count");
  // A thread passes the filter when its note or any reply does.
  const threadOf = (note) => [note, ...note.querySelectorAll("article.reply")];
  const fieldValues = (note, field) => threadOf(note).flatMap((one) => (field === "tag"
    ? (one.dataset.tagList || "").split("\n").filter((tag) => tag !== "")
    : [one.dataset[field] || ""]));
  const noteText = (note) => [
    ...Array.from(note.querySelectorAll(".note-body"), (body) => body.textContent),
    note.querySelector(".note-quote")?.textContent || "",
    ...threadOf(note).map((one) => one.dataset.tagList || ""),
  ].join(" ").toLowerCase();
  const fillFilterOptions = (notes) => {
    for (const select of filterFields) {
      const values = new Set(notes.flatMap((note) => fieldValues(note, select.dataset.field)));
      values.delete("");
      const chosen = select.value;
      if (chosen) values.add(chosen);
      const have = Array.from(select.options).slice(1).map((option) => option.value);
      const want = Array.from(values).sort((a, b) => a.localeCompare(b));
      if (have.join("\n") === want.join("\n")) continue;
      select.replaceChildren(select.options[0], ...want.map((value) => new Option(value, value)));
      select.value = chosen;
    }
  };
  const applyNotesFilter = () => {
    const notes = Array.from(article.querySelectorAll("article.note"));
    filterPanel.hidden = notes.length === 0;
    if (notes.length === 0) return;
    fillFilterOptions(notes);
    const words = filterWords.value.toLowerCase().split(/\s+/).filter((w) => w !== "");
    const chosen = filterFields.filter((select) => select.value !== "");
    const hiddenIds = new Set();
    for (const note of notes) {
      const text = words.length > 0 ? noteText(note) : "";
      const shown = words.every((word) => text.includes(word))
        && chosen.every((select) => fieldValues(note, select.dataset.field).includes(select.value));
      note.classList.toggle("filtered-out", !shown);
      if (!shown) hiddenIds.add(note.dataset.annotationId);
    }
    for (const mark of article.querySelectorAll("mark.note-highlight")) {
      mark.classList.toggle("filtered-out", hiddenIds.has(mark.dataset.annotationId));
    }
    const shown = notes.length - hiddenIds.size;
    const noun = notes.length === 1 ? "note" : "notes";
    const all = notes.length === 1 ? "The one note is shown." : `All ${notes.length} notes shown.`;
    filterCount.textContent = hiddenIds.size === 0
      ? all
      : `Showing ${shown} of ${notes.length} ${noun}; the others and their highlights are hidden.`;
  };
  const onFilterChange = () => {
    if (activeId !== null && document.getElementById(`note-${activeId}`)?.classList.contains("filtered-out")) activeId = null;
    layoutNotes();
    // Notes that come back from a crowded margin unfold and change height as they are laid
    // out; a second pass, once the page has settled, places them by their final heights.
    queueLayout();
  };
  filterWords.addEventListener("input", onFilterChange);
  for (const select of filterFields) select.addEventListener("change", onFilterChange);
  filterPanel.querySelector(".nf-clear").addEventListener("click", () => {
    filterWords.value = "";
    for (const select of filterFields) select.value = "";
    onFilterChange();
  });

  const layoutNotes = () => {
    applyNotesFilter();
    clipPageNotes();
    const text = textColumn();
    if (!text) return;
    const placed = wide.matches;
    text.classList.toggle("notes-placed", placed);
    for (const toggle of text.querySelectorAll(".margin-toggle")) toggle.hidden = placed;
    for (const button of text.querySelectorAll(".more-notes")) button.hidden = true;
    if (placed) {
      for (const margin of text.querySelectorAll(".margin.collapsed")) margin.classList.remove("collapsed");
      layoutWide(text);
    } else {
      layoutNarrow(text);
    }
  };
  let layoutQueued = false;
  const queueLayout = () => {
    if (layoutQueued) return;
    layoutQueued = true;
    requestAnimationFrame(() => {
      layoutQueued = false;
      layoutNotes();
    });
  };
  const resizes = new ResizeObserver(queueLayout);
  const observe = () => {
    resizes.disconnect();
    for (const block of blocks()) resizes.observe(block);
  };
  wide.addEventListener("change", queueLayout);
  window.addEventListener("resize", queueLayout);
  if (document.fonts) document.fonts.ready.then(queueLayout);

  // ---- Notes: highlight ↔ margin, keyboard navigation ---------------------------------------
  const allNotes = () => Array.from(article.querySelectorAll(SHOWN));
  const markActive = (id) => {
    for (const mark of article.querySelectorAll("mark.note-highlight.active")) mark.classList.remove("active");
    for (const mark of article.querySelectorAll(`mark.note-highlight[data-annotation-id="${id}"]`)) mark.classList.add("active");
    for (const note of article.querySelectorAll("article.note.active")) note.classList.toggle("active", note.dataset.annotationId === id);
    const note = document.getElementById(`note-${id}`);
    if (note) note.classList.add("active");
  };
  // Makes a note the active one: unfolded, at full length, beside its quote, and in view.
  const activate = (note, { focus = false, toQuote = false, keepOpen = false } = {}) => {
    const id = note.dataset.annotationId;
    activeId = id;
    const margin = note.closest(".margin");
    // On a wide screen a paragraph opened with its fold button stays open until the reader
    // turns to another note; on a narrow one, the note's paragraph opens.
    if (wide.matches && !keepOpen) expandedParagraphs.clear();
    if (margin && !wide.matches) expandedParagraphs.add(margin.dataset.paragraph);
    markActive(id);
    layoutNotes();
    // The note now sits beside its quote: bring the quote into view only if it is not.
    const mark = firstMark(id);
    if (mark) {
      const box = mark.getBoundingClientRect();
      const noteBox = note.getBoundingClientRect();
      const visible = box.top >= 0 && box.bottom <= window.innerHeight && noteBox.top >= 0 && noteBox.top < window.innerHeight;
      if (toQuote || !visible) mark.scrollIntoView({ block: "center" });
    } else {
      note.scrollIntoView({ block: "nearest" });
    }
    if (focus) note.focus({ preventScroll: true });
  };
  // Brings a note or a reply into view and focus; a reply's thread opens to show it.
  const showNote = (note) => {
    if (!note.matches("article.reply")) {
      activate(note, { focus: true });
      return;
    }
    const more = note.closest("details.more-replies");
    if (more) more.open = true;
    const root = note.closest("article.note");
    if (root) activate(root);
    note.scrollIntoView({ block: "nearest" });
    note.focus({ preventScroll: true });
  };
  // On paper every note shows whole, with every reply.
  window.addEventListener("beforeprint", () => {
    for (const more of article.querySelectorAll("details.more-replies")) more.open = true;
    for (const note of article.querySelectorAll("article.note")) note.classList.remove("compact", "folded");
  });
  window.addEventListener("afterprint", queueLayout);
  const moveBetweenNotes = (step) => {
    const all = allNotes();
    if (all.length === 0) return;
    const current = all.indexOf(document.activeElement.closest ? document.activeElement.closest("article.note") : null);
    const next = current === -1 ? (step > 0 ? 0 : all.length - 1) : (current + step + all.length) % all.length;
    activate(all[next], { focus: true });
  };
  const bindNotes = (root) => {
    for (const mark of root.querySelectorAll("mark.note-highlight")) {
      mark.addEventListener("click", () => {
        const note = document.getElementById(`note-${mark.dataset.annotationId}`);
        if (note && !note.classList.contains("filtered-out")) activate(note, { focus: true });
      });
    }
    for (const note of root.querySelectorAll(".text article.note")) {
      note.addEventListener("click", (event) => {
        if (event.target.closest("a, button")) return;
        activate(note, { toQuote: true });
      });
    }
    for (const actions of root.querySelectorAll(".note-actions")) {
      actions.hidden = false;
      const note = actions.closest("article.reply, article.note");
      actions.querySelector(".note-edit")?.addEventListener("click", () => openEditor({ note }));
      actions.querySelector(".note-delete")?.addEventListener("click", () => deleteNote(note));
      actions.querySelector(".note-reply")?.addEventListener("click", () => openEditor({ replyTo: note }));
      const reattach = actions.querySelector(".note-reattach");
      if (reattach) {
        // Keep the reader's selection when the button is pressed.
        reattach.addEventListener("mousedown", (event) => event.preventDefault());
        reattach.addEventListener("click", () => reattachNote(note));
      }
    }
    addMoreButtons(root);
    // An opened thread is taller: the notes below move down.
    for (const more of root.querySelectorAll("details.more-replies")) more.addEventListener("toggle", queueLayout);
  };
  bindNotes(article);
  observe();
  layoutNotes();

  // Re-renders the notes and the text from the server, so there is one renderer.
  const refresh = async () => {
    const response = await fetch(window.location.pathname, { credentials: "same-origin" });
    if (!response.ok) throw new Error(`reload failed (${response.status})`);
    const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
    for (const selector of [".page-notes", ".text", ".orphans", ".source-grade"]) {
      const now = article.querySelector(selector);
      const next = fresh.querySelector(`article.document ${selector}`);
      if (now && next) now.replaceWith(document.adoptNode(next));
      else if (next) article.querySelector(".footnotes, .fn-tips")?.before(document.adoptNode(next));
      else if (now) now.remove();
    }
    applyMutes();
    applyChosenVoice();
    bindFootnotes(textColumn());
    bindNotes(article);
    bindPageNoteButton();
    observe();
    layoutNotes();
  };

  // ---- Selecting a passage from the keyboard ----------------------------------------------
  // v starts a selection in the focused (or first visible) paragraph: ←/→ move by word,
  // Shift+←/→ extend, Home/End jump, ↑/↓ change paragraph, Enter writes a note, Escape stops.
  const segmenter = typeof Intl.Segmenter === "function" ? new Intl.Segmenter(undefined, { granularity: "word" }) : null;
  const wordsOf = (text) => {
    if (segmenter) {
      return Array.from(segmenter.segment(text)).filter((s) => s.isWordLike).map((s) => [s.index, s.index + s.segment.length]);
    }
    return Array.from(text.matchAll(/\S+/gu)).map((m) => [m.index, m.index + m[0].length]);
  };
  let keySelect = null;
  const showKeySelection = () => {
    const { block, words, anchor, focus } = keySelect;
    const [from, to] = [Math.min(anchor, focus), Math.max(anchor, focus)];
    const range = document.createRange();
    range.setStart(...boundaryAt(block, words[from][0]));
    range.setEnd(...boundaryAt(block, words[to][1]));
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    // The word the selection ends on stays in view, above the hint that explains the keys
    // (on a phone the hint takes the bottom of the screen).
    const end = document.createRange();
    end.setStart(...boundaryAt(block, words[focus][0]));
    end.setEnd(...boundaryAt(block, words[focus][1]));
    const word = end.getBoundingClientRect();
    const floor = (hint && !hint.hidden ? Math.min(window.innerHeight, hint.getBoundingClientRect().top) : window.innerHeight) - 8;
    if (word.bottom > floor) window.scrollBy(0, word.bottom - floor);
    else if (word.top < 0) window.scrollBy(0, word.top - 8);
    // Whose view the sentence gives, which hover alone would otherwise tell.
    const start = range.startContainer.nodeType === Node.ELEMENT_NODE ? range.startContainer : range.startContainer.parentElement;
    const claim = start && start.closest(".voice-claim");
    const said = claim ? `Voice: ${claim.title}.` : "No voice is given to this sentence.";
    let line = hint && hint.querySelector(".hint-voice");
    if (hint && !line && article.querySelector(".voice-claim")) {
      line = document.createElement("span");
      line.className = "hint-voice";
      hint.append(line);
    }
    if (line) line.textContent = said;
    announce(`Selected: ${range.toString()}${line ? `. ${said}` : ""}`);
  };
  const startKeySelection = (block) => {
    const words = wordsOf(plainText(block));
    if (words.length === 0) return false;
    if (keySelect) keySelect.block.classList.remove("selecting-here");
    keySelect = { block, words, anchor: 0, focus: 0 };
    article.classList.add("selecting");
    block.classList.add("selecting-here");
    block.tabIndex = -1;
    block.focus({ preventScroll: true });
    showHint([
      ["←", "kbd"], " ", ["→", "kbd"], " move by word, ", ["Shift", "kbd"], " extends, ",
      ["↑", "kbd"], " ", ["↓", "kbd"], " change paragraph, ",
      ...(signedIn ? [["Enter", "kbd"], " writes a note on the selection, ", ["w", "kbd"], " says who speaks in its sentence, "] : []),
      ["Esc", "kbd"], " stops.",
    ], { sticky: true });
    // After the hint is written, so that its line saying whose view the first word gives stays.
    showKeySelection();
    return true;
  };
  const stopKeySelection = ({ keepSelection = false } = {}) => {
    if (!keySelect) return;
    keySelect.block.classList.remove("selecting-here");
    article.classList.remove("selecting");
    keySelect = null;
    hideHint();
    if (!keepSelection) window.getSelection().removeAllRanges();
  };
  const paragraphToStart = () => {
    const active = document.activeElement;
    const row = active && active.closest && active.closest(".row");
    if (row) return row.querySelector(".block");
    const note = active && active.closest && active.closest("article.note");
    const mark = note && firstMark(note.dataset.annotationId);
    if (mark) return mark.closest(".block");
    return blocks().find((block) => block.getBoundingClientRect().bottom > 0) || blocks()[0];
  };
  const keySelectionKeys = (event) => {
    const state = keySelect;
    const last = state.words.length - 1;
    const move = (to) => {
      state.focus = Math.max(0, Math.min(last, to));
      if (!event.shiftKey) state.anchor = state.focus;
      showKeySelection();
    };
    switch (event.key) {
      case "ArrowRight": move(state.focus + 1); break;
      case "ArrowLeft": move(state.focus - 1); break;
      case "Home": move(0); break;
      case "End": move(last); break;
      case "ArrowDown":
      case "ArrowUp": {
        const all = blocks();
        const next = all[all.indexOf(state.block) + (event.key === "ArrowDown" ? 1 : -1)];
        if (next) startKeySelection(next);
        break;
      }
      case "Enter": {
        if (!signedIn) return false;
        const target = selectionTarget();
        stopKeySelection({ keepSelection: true });
        if (target) openEditor({ target });
        break;
      }
      case "w": {
        if (!signedIn) return false;
        const target = selectionTarget();
        stopKeySelection({ keepSelection: true });
        if (target) openVoiceEditor(target);
        break;
      }
      case "Escape": stopKeySelection(); break;
      case "Tab": stopKeySelection({ keepSelection: true }); return false;
      default: return false;
    }
    return true;
  };

  // ---- Search matches: ] and [ (or the bar's buttons) go to the next and previous one -----
  // A match split by other highlights keeps its number on every piece; one number, one stop.
  const hitMarks = Array.from(document.querySelectorAll(".text mark.search-hit[data-hit]"));
  const hitNumbers = [...new Set(hitMarks.map((mark) => mark.dataset.hit))];
  const searchBar = document.querySelector(".search-bar");
  let currentHit = 0;
  let hitPosition = null;
  const moveBetweenHits = (step) => {
    if (!hitNumbers.length) return false;
    const count = hitNumbers.length;
    currentHit = currentHit === 0 ? (step > 0 ? 1 : count) : ((currentHit - 1 + step + count) % count) + 1;
    const number = hitNumbers[currentHit - 1];
    for (const mark of hitMarks) mark.classList.toggle("current", mark.dataset.hit === number);
    hitMarks.find((mark) => mark.dataset.hit === number).scrollIntoView({ block: "center" });
    hitPosition.textContent = `match ${currentHit} of ${count}`;
    return true;
  };
  // Arriving at a paragraph (#p6), the next match is the first one from there on.
  const landed = /^#p(\d+)$/.exec(window.location.hash);
  if (landed) {
    const from = hitMarks.findIndex((mark) => {
      const block = mark.closest(".block");
      return block && Number(block.id.slice(1)) >= Number(landed[1]);
    });
    if (from > 0) currentHit = hitNumbers.indexOf(hitMarks[from].dataset.hit);
  }
  if (searchBar && hitNumbers.length) {
    const nav = document.createElement("span");
    nav.className = "search-nav";
    const button = (label, key, step) => {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = label;
      b.title = `${label} (${key})`;
      b.setAttribute("aria-keyshortcuts", key);
      b.addEventListener("click", () => moveBetweenHits(step));
      return b;
    };
    hitPosition = document.createElement("span");
    hitPosition.className = "search-position";
    hitPosition.setAttribute("aria-live", "polite");
    nav.append(button("Previous match", "[", -1), " ", button("Next match", "]", 1), " ", hitPosition);
    searchBar.append(" ", nav);
  }

  const typing = (event) => event.target.closest("input, textarea, select, [contenteditable]") || event.ctrlKey || event.metaKey || event.altKey;
  const readerKeys = (event) => {
    if (keySelect) {
      if (keySelectionKeys(event)) event.preventDefault();
      return true;
    }
    if (typing(event)) return true;
    if (event.key === "v") {
      const block = paragraphToStart();
      if (block && startKeySelection(block)) event.preventDefault();
    } else if (event.key === "j") moveBetweenNotes(1);
    else if (event.key === "k") moveBetweenNotes(-1);
    else if (event.key === "]" || event.key === "[") {
      if (!moveBetweenHits(event.key === "]" ? 1 : -1)) return false;
    }
    else if (event.key === "Escape") {
      hideTip();
      hideHint();
    } else return false;
    return true;
  };

  // Signing in comes back to the same place, paragraph anchor included.
  const signInLink = () => `/login?next=${encodeURIComponent(window.location.pathname + window.location.hash)}`;
  const accountLink = document.querySelector('.site-account a[href^="/login"]');
  if (accountLink) accountLink.addEventListener("click", () => { accountLink.href = signInLink(); });
  if (!signedIn) {
    const tellToSignIn = () => showHint([["Sign in", signInLink()], " to add a note to this passage."]);
    document.addEventListener("keydown", (event) => {
      if (keySelect && event.key === "Enter") {
        event.preventDefault();
        stopKeySelection({ keepSelection: true });
        tellToSignIn();
        return;
      }
      if (event.key === "w" && (keySelect || !typing(event))) {
        event.preventDefault();
        stopKeySelection({ keepSelection: true });
        showHint([["Sign in", signInLink()], " to correct who says a sentence."]);
        return;
      }
      readerKeys(event);
    });
    // Selecting text when signed out says how to annotate it.
    let told = false;
    document.addEventListener("selectionchange", () => {
      if (keySelect) return;
      if (selectionTarget()) {
        if (!told) tellToSignIn();
        told = true;
      } else {
        told = false;
      }
    });
    return;
  }

  // ---- Taking notes ----------------------------------------------------------------------
  const dialog = document.getElementById("note-editor");
  const form = dialog.querySelector("form");
  const field = (id) => document.getElementById(id);
  const errorLine = dialog.querySelector(".form-error");
  const addButton = document.getElementById("add-note");
  const draftLine = document.createElement("p");
  draftLine.className = "draft-note";
  dialog.querySelector(".form-error").before(draftLine);
  const threadLine = document.createElement("p");
  threadLine.className = "thread-note";
  threadLine.hidden = true;
  field("note-visibility").closest("p").after(threadLine);
  let editing = null;

  // An error line is an alert, heard as its words change, so nothing else announces it; it is
  // emptied first so that the same refusal twice is heard twice.
  const showAlert = (line, message) => {
    line.textContent = "";
    line.hidden = false;
    requestAnimationFrame(() => {
      line.textContent = message;
      // In a scrolled editor the refusal would sit behind the Save bar pinned at its foot.
      line.scrollIntoView({ block: "nearest" });
    });
  };
  const showError = (message) => showAlert(errorLine, message);
  const explain = async (response) => {
    if (response.status === 412) return "This note was changed elsewhere — reload to see it.";
    if (response.status === 401) {
      showHint([["Sign in", signInLink()], " again to save; your draft is kept on this device."], { sticky: true });
      return "Your session has ended.";
    }
    try {
      const body = await response.json();
      return forPeople(body.error.message);
    } catch {
      return `The server answered ${response.status}.`;
    }
  };
  // The API names the JSON field at fault, for programs; the editor's reader knows the fields
  // by their labels. A sentence, ending as one, so that "Your draft is kept." reads after it.
  const FIELD_LABELS = [
    [/`body(\[\d+\])?(\.value)?`/g, "The note"],
    [/`tags?(\[\d+\])?`/g, "The tag"],
    [/`motivation`/g, "The motivation"],
    [/`visibility`/g, "Visible to"],
    [/`credibility`/g, "How likely the claim is"],
    [/`sourceReliability`/g, "How far the source can be trusted"],
  ];
  const forPeople = (message) => {
    let text = FIELD_LABELS.reduce((t, [field, label]) => t.replace(field, label), String(message));
    text = text.replace(/`([^`]*)`/g, "“$1”").trim();
    return /[.!?…]$/.test(text) ? text : `${text}.`;
  };

  // Drafts live in localStorage per document and passage (or note), until saved.
  // Drafts belong to the analyst who wrote them: another analyst on the same browser never
  // sees them, and signing out removes them from the device (after asking).
  const draftPrefix = `glossa.draft.${article.dataset.analyst}.`;
  const draftKey = () => {
    if (editing.note) return `${draftPrefix}${slug}.note.${editing.id}`;
    if (editing.replyTo) return `${draftPrefix}${slug}.reply.${editing.replyTo.dataset.annotationId}`;
    if (editing.target) return `${draftPrefix}${slug}.passage.${editing.target.start}-${editing.target.end}`;
    return `${draftPrefix}${slug}.page`;
  };
  const myDrafts = () => Object.keys(localStorage).filter((k) => k.startsWith(draftPrefix));
  const signOut = document.querySelector("form.logout");
  if (signOut) {
    signOut.addEventListener("submit", (event) => {
      const drafts = myDrafts();
      if (drafts.length === 0) return;
      const words = drafts.length === 1 ? "an unsaved draft" : `${drafts.length} unsaved drafts`;
      if (!window.confirm(`You have ${words} on this device. Signing out removes ${drafts.length === 1 ? "it" : "them"}. Sign out?`)) {
        event.preventDefault();
        return;
      }
      for (const key of drafts) localStorage.removeItem(key);
    });
  }
  const formState = () => ({
    body: field("note-body").value,
    tags: field("note-tags").value,
    motivation: field("note-motivation").value,
    visibility: field("note-visibility").value,
    credibility: field("note-credibility").value,
    reliability: field("note-reliability").value,
  });
  // Grades belong to assessing notes: their fields show only for one.
  const syncGrades = () => {
    dialog.querySelector(".note-grades").hidden = field("note-motivation").value !== "assessing";
  };
  const fill = (state) => {
    field("note-body").value = state.body;
    field("note-tags").value = state.tags;
    field("note-motivation").value = state.motivation;
    field("note-visibility").value = state.visibility;
    field("note-credibility").value = state.credibility || "";
    field("note-reliability").value = state.reliability || "";
    syncGrades();
  };
  const saveDraft = () => {
    if (!editing) return;
    const state = formState();
    const unchanged = JSON.stringify(state) === JSON.stringify(editing.original);
    try {
      if (unchanged) localStorage.removeItem(draftKey());
      else localStorage.setItem(draftKey(), JSON.stringify({ ...state, etag: editing.etag || null }));
    } catch {
      // A full or disabled storage must not stop the analyst from writing.
    }
  };
  const hasDraft = () => editing && JSON.stringify(formState()) !== JSON.stringify(editing.original);
  for (const id of ["note-body", "note-tags", "note-motivation", "note-visibility", "note-credibility", "note-reliability"]) {
    field(id).addEventListener("input", saveDraft);
    field(id).addEventListener("change", saveDraft);
  }
  field("note-motivation").addEventListener("change", syncGrades);

  // A reply is read by no more people than the note it answers: wider choices are disabled.
  const REACH = { private: 0, team: 1, public: 2 };
  const limitVisibility = (parent) => {
    const widest = parent ? parent.dataset.visibility || "private" : "public";
    for (const option of field("note-visibility").options) {
      option.disabled = REACH[option.value] > REACH[widest];
    }
    threadLine.hidden = !parent;
    threadLine.textContent = parent && widest !== "public"
      ? `A reply is read by no more people than the note it answers, which is ${widest === "team" ? "shared with the team" : "private"}.`
      : "";
    threadLine.hidden = threadLine.textContent === "";
  };
  const parentOf = (reply) => {
    const id = reply && reply.dataset.replyTo;
    return id ? document.getElementById(`note-${id}`) : null;
  };
  const wordsOfNote = (note) => (note.querySelector(".note-body")?.textContent || "").trim().split(/\s+/).slice(0, 12).join(" ");
  const openEditor = ({ note, target, replyTo }) => {
    hideHint();
    editing = note
      ? { note, id: note.dataset.annotationId, etag: note.dataset.etag }
      : replyTo ? { replyTo } : target ? { target } : { page: true };
    const isReply = Boolean(replyTo || (note && note.dataset.replyTo));
    const parent = replyTo || parentOf(note);
    editing.original = note
      ? {
        body: note.dataset.body, tags: note.dataset.tags, motivation: note.dataset.motivation, visibility: note.dataset.visibility,
        credibility: note.dataset.credibility || "", reliability: note.dataset.reliability || "",
      }
      : replyTo
        ? { body: "", tags: "", motivation: "replying", visibility: replyTo.dataset.visibility || "team", credibility: "", reliability: "" }
        : { body: "", tags: "", motivation: "commenting", visibility: "team", credibility: "", reliability: "" };
    const replyOption = field("note-motivation").querySelector('option[value="replying"]');
    replyOption.hidden = !isReply;
    replyOption.disabled = !isReply;
    // An existing reply whose parent is not on the page (deleted) may only narrow.
    limitVisibility(isReply ? (parent || note) : null);
    const title = note ? (isReply ? "Edit reply" : "Edit note") : replyTo ? `Reply to ${replyTo.dataset.creator}` : target ? "New note" : "New note on the whole document";
    dialog.querySelector("h2").textContent = title;
    const quote = replyTo
      ? `${replyTo.dataset.creator}: ${wordsOfNote(replyTo)}…`
      : note ? (note.querySelector(":scope > .note-quote")?.textContent || "") : target ? target.exact : "";
    const quoteBox = dialog.querySelector(".note-form-quote");
    quoteBox.textContent = quote;
    quoteBox.hidden = quote === "";
    let draft = null;
    try {
      draft = JSON.parse(localStorage.getItem(draftKey()) || "null");
    } catch {
      draft = null;
    }
    fill(draft || editing.original);
    const overtaken = draft && note && draft.etag && draft.etag !== note.dataset.etag;
    draftLine.textContent = !draft
      ? ""
      : overtaken
        ? "Your unsaved draft is back, but the note has changed since you wrote it: saving replaces the newer text with your draft."
        : "Your unsaved draft is back. It stays on this device until you save.";
    errorLine.hidden = true;
    addButton.hidden = true;
    dialog.showModal();
    field("note-body").focus();
  };
  // Closing with unsaved words asks first; the draft is kept either way.
  const closeEditor = () => {
    if (hasDraft()) {
      saveDraft();
      const where = editing.note ? "edit this note" : editing.replyTo ? "reply to this note" : editing.target ? "write on this passage" : "write a note on the whole document";
      if (!window.confirm(`Close the editor? Your draft is kept on this device and comes back when you next ${where}.`)) return;
    }
    dialog.close();
    editing = null;
  };
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    closeEditor();
  });
  dialog.querySelector(".note-cancel").addEventListener("click", closeEditor);

  const annotationJson = (target) => ({
    "@context": "http://www.w3.org/ns/anno.jsonld",
    type: "Annotation",
    motivation: field("note-motivation").value,
    visibility: field("note-visibility").value,
    ...(field("note-motivation").value === "assessing" ? {
      ...(field("note-credibility").value ? { credibility: Number(field("note-credibility").value) } : {}),
      ...(field("note-reliability").value ? { sourceReliability: field("note-reliability").value } : {}),
    } : {}),
    body: [
      { type: "TextualBody", value: field("note-body").value, format: "text/markdown" },
      ...field("note-tags").value.split(",").map((t) => t.trim()).filter(Boolean)
        .map((tag) => ({ type: "TextualBody", value: tag, purpose: "tagging" })),
    ],
    target,
  });
  const passage = ({ start, end, exact }) => ({
    source: documentIri,
    selector: [
      { type: "TextQuoteSelector", exact },
      { type: "TextPositionSelector", start, end },
    ],
  });

  // Replaces a note with the editor's fields and `target`, if it is still at `etag`.
  const putNote = (id, etag, target) => fetch(`${container}${id}`, {
    method: "PUT",
    credentials: "same-origin",
    headers: { "Content-Type": "application/ld+json", "If-Match": etag },
    body: JSON.stringify(annotationJson(target)),
  });

  const save = async () => {
    const empty = field("note-body").value.trim() === "" && field("note-tags").value.trim() === "";
    if (empty && field("note-motivation").value !== "highlighting") {
      showError("Write a note or a tag, or choose “highlighting” to mark the passage without words.");
      return;
    }
    let response;
    if (editing.note) {
      const current = await fetch(`${container}${editing.id}`, { credentials: "same-origin" });
      if (!current.ok) {
        showError(await explain(current));
        return;
      }
      response = await putNote(editing.id, editing.etag, (await current.json()).target);
    } else {
      const target = editing.replyTo
        ? `${containerIri}${editing.replyTo.dataset.annotationId}`
        : editing.target ? passage(editing.target) : documentIri;
      response = await fetch(container, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/ld+json" },
        body: JSON.stringify(annotationJson(target)),
      });
    }
    if (!response.ok) {
      saveDraft();
      showError(`${await explain(response)} Your draft is kept.`);
      return;
    }
    const saved = await response.json();
    const wasEdit = Boolean(editing.note);
    const wasReply = Boolean(editing.replyTo);
    localStorage.removeItem(draftKey());
    editing = null;
    dialog.close();
    window.getSelection().removeAllRanges();
    await refresh();
    const note = document.getElementById(`note-${saved.id.split("/").pop()}`);
    if (note) showNote(note);
    announce(wasEdit ? "Note saved." : wasReply ? "Reply added." : "Note added.");
  };

  // An orphaned note is re-attached to the passage selected now; its text stays the same.
  const reattachNote = async (note) => {
    const target = selectionTarget();
    if (!target) {
      showHint(["Select the passage this note belongs to (drag, or press ", ["v", "kbd"], "), then press Re-attach."]);
      return;
    }
    fill({
      body: note.dataset.body, tags: note.dataset.tags, motivation: note.dataset.motivation, visibility: note.dataset.visibility,
      credibility: note.dataset.credibility, reliability: note.dataset.reliability,
    });
    const response = await putNote(note.dataset.annotationId, note.dataset.etag, passage(target));
    if (!response.ok) {
      showHint([await explain(response)]);
      return;
    }
    await refresh();
    announce("Note re-attached.");
  };

  const deleteNote = async (note) => {
    const words = (note.querySelector(".note-body")?.textContent || "").trim().split(/\s+/).slice(0, 8).join(" ");
    const replies = note.matches("article.reply") ? 0 : note.querySelectorAll("article.reply:not(.ghost)").length;
    const kept = replies === 0 ? "" : ` Its ${replies === 1 ? "reply stays" : `${replies} replies stay`}, under “Deleted note”.`;
    if (!window.confirm(`${words ? `Delete this note (“${words}…”)?` : "Delete this note?"}${kept}`)) return;
    const row = note.closest(".row");
    const paragraph = row ? row.querySelector("a.pnum").dataset.n : null;
    const response = await fetch(`${container}${note.dataset.annotationId}`, {
      method: "DELETE",
      credentials: "same-origin",
      headers: { "If-Match": note.dataset.etag },
    });
    if (!response.ok) {
      showHint([await explain(response)]);
      return;
    }
    activeId = null;
    await refresh();
    // Keep the reader's place: the paragraph the note was on (or the notes on the document).
    const place = paragraph ? article.querySelector(`a.pnum[data-n="${paragraph}"]`) : document.getElementById("add-page-note");
    if (place) place.focus();
    // The history stays, as the note's tombstone, until its author purges it from there.
    showHint(["Note deleted. Its history is kept: ", ["see it, or purge it", `/documents/${encodeURIComponent(slug)}/notes/${note.dataset.annotationId}/history`], "."], { sticky: true });
  };

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    save().catch((error) => {
      saveDraft();
      showError(`Could not save: ${error.message}. Your draft is kept.`);
    });
  });

  const bindPageNoteButton = () => {
    const button = document.getElementById("add-page-note");
    if (!button) return;
    button.closest(".page-note-add").hidden = false;
    button.addEventListener("click", () => openEditor({}));
  };
  bindPageNoteButton();

  // The "Add note" control follows the selection, for mouse and keyboard selections alike.
  // On a phone it is docked to the edge of the screen away from the selection, so it never
  // covers the selected line (nor the phone's own selection menu beside it).
  let pending = null;
  const placeNoteButton = () => {
    pending = selectionTarget();
    if (!pending) {
      addButton.hidden = true;
      return;
    }
    const box = window.getSelection().getRangeAt(0).getBoundingClientRect();
    addButton.hidden = false;
    if (!wide.matches) {
      addButton.classList.add("docked");
      const lowerHalf = (box.top + box.bottom) / 2 > window.innerHeight / 2;
      addButton.style.top = lowerHalf ? "1rem" : "";
      addButton.style.bottom = lowerHalf ? "" : "1rem";
      addButton.style.left = "";
      return;
    }
    // Wide screens: the buttons must cover neither the text being read nor the notes beside
    // it. Beyond the margin's notes when the window leaves room there; otherwise just above the
    // selection's first line (below its last at the window's top), over a line already read.
    addButton.classList.remove("docked");
    addButton.style.bottom = "";
  };
  // "Who says this?" follows the note button: beside it, or docked at the other side of the
  // screen on a phone.
  const placeAddButton = () => {
    placeNoteButton();
    const button = document.getElementById("voice-correct");
    button.hidden = addButton.hidden;
    if (button.hidden) return;
    button.classList.toggle("docked", addButton.classList.contains("docked"));
    button.style.top = addButton.style.top;
    button.style.bottom = addButton.style.bottom;
    if (button.classList.contains("docked")) {
      button.style.left = "";
      return;
    }
    const box = window.getSelection().getRangeAt(0).getBoundingClientRect();
    const text = textColumn().getBoundingClientRect();
    const gap = 8;
    const height = addButton.offsetHeight;
    const width = Math.max(addButton.offsetWidth, button.offsetWidth);
    const page = document.documentElement.clientWidth;
    let top, left, stacked;
    if (page - text.right >= width + 2 * gap) {
      top = box.top;
      left = text.right + gap;
      stacked = true;
    } else {
      const row = addButton.offsetWidth + gap + button.offsetWidth;
      const block = textColumn().querySelector(".block").getBoundingClientRect();
      top = box.top - height - gap >= 0 ? box.top - height - gap : box.bottom + gap;
      left = Math.max(block.left, Math.min(box.left, block.right - row));
      stacked = false;
    }
    addButton.style.top = `${window.scrollY + top}px`;
    addButton.style.left = `${window.scrollX + left}px`;
    button.style.top = `${window.scrollY + (stacked ? top + height + gap : top)}px`;
    button.style.left = `${window.scrollX + (stacked ? left : left + addButton.offsetWidth + gap)}px`;
  };
  document.addEventListener("selectionchange", () => {
    if (!dialog.open && !document.getElementById("voice-editor").open) placeAddButton();
  });
  addButton.addEventListener("mousedown", (event) => event.preventDefault());
  addButton.addEventListener("click", () => {
    if (pending) openEditor({ target: pending });
  });

  // ---- Correcting who says a sentence ----------------------------------------------------
  // The analyst selects words of a sentence and says whose view it gives: the voice the rules
  // found (confirming it), another voice (one the corpus has, or a new one), or no one. The
  // server widens the selection to its sentence; the page is then read again from the server.
  const voiceDialog = document.getElementById("voice-editor");
  const voiceForm = voiceDialog.querySelector("form");
  const voiceError = voiceDialog.querySelector(".form-error");
  const voiceButton = document.getElementById("voice-correct");
  const corrections = `/api/documents/${encodeURIComponent(article.dataset.slug)}/voices/corrections`;
  let corpusVoices = null;
  let correcting = null;
  const actorName = (id) => Array.from(field("voice-actor").options).find((o) => o.value === id)?.textContent || id;
  const describeVoice = (voice) => `${voice.label} (${voice.official ? "official" : "unofficial"}${voice.actor ? `, ${actorName(voice.actor)}` : ""})`;
  const loadCorpusVoices = async () => {
    if (corpusVoices) return corpusVoices;
    const response = await fetch("/api/voices", { credentials: "same-origin" });
    corpusVoices = response.ok ? (await response.json()).voices : [];
    document.getElementById("corpus-voices").replaceChildren(...corpusVoices.map((voice) => {
      const option = document.createElement("option");
      option.value = voice.label;
      option.label = describeVoice(voice);
      return option;
    }));
    return corpusVoices;
  };
  const typedVoice = () => field("voice-other").value.trim().replace(/\s+/g, " ").replace(/[.,;:]+$/, "");
  const knownVoice = (typed) => (corpusVoices || []).find((v) => v.label.toLowerCase() === typed.toLowerCase());
  const helpLine = document.getElementById("voice-other-help");
  const newVoiceHelp = helpLine.textContent;
  // The voice the page gives the sentence where the selection starts, if any.
  const claimAtSelection = () => {
    const selection = window.getSelection();
    if (!selection || selection.rangeCount === 0) return null;
    const node = selection.getRangeAt(0).startContainer;
    const element = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
    return element ? element.closest(".voice-claim") : null;
  };
  // The API names the field at fault for programs; in the dialog the analyst sees the words.
  const showVoiceError = (message) => {
    const plain = message
      .replace(/^target\.selector: /, "")
      .replace(/^`voice\.label` /, "The name ")
      .replace(/`/g, "");
    showAlert(voiceError, plain.charAt(0).toUpperCase() + plain.slice(1));
  };
  const chosenVoice = () => voiceForm.querySelector('input[name="voice-choice"]:checked')?.value;
  // A typed voice the corpus has is that voice: its standing and actor are its own, so the
  // fields for a new voice are put away and the line under the field says whose it is.
  const syncVoiceChoice = () => {
    const other = chosenVoice() === "other";
    const known = other ? knownVoice(typedVoice()) : null;
    voiceDialog.querySelector(".voice-new").hidden = !other || Boolean(known);
    const help = known ? `${describeVoice(known)} is a voice the corpus has.` : newVoiceHelp;
    if (helpLine.textContent !== help) helpLine.textContent = help;
  };
  const openVoiceEditor = (target) => {
    const claim = claimAtSelection();
    const voiceId = claim ? claim.dataset.voice : null;
    const label = voiceId
      ? document.querySelector(`.voice-entry[data-voice="${CSS.escape(voiceId)}"] .voice-label`)?.textContent || voiceId
      : null;
    correcting = { target, voiceId };
    voiceDialog.querySelector(".voice-form-quote").textContent = target.exact;
    voiceDialog.querySelector(".voice-form-now").textContent = claim
      ? `Now: ${claim.title}.`
      : "Now: the page gives this sentence no voice.";
    voiceDialog.querySelector(".voice-keep-row").hidden = !voiceId;
    voiceDialog.querySelector(".voice-keep-label").textContent = label || "";
    field("voice-keep").checked = Boolean(voiceId);
    field("voice-other-choice").checked = !voiceId;
    field("voice-other").value = "";
    field("voice-official").checked = false;
    field("voice-actor").value = "";
    voiceError.hidden = true;
    syncVoiceChoice();
    addButton.hidden = true;
    voiceButton.hidden = true;
    voiceDialog.showModal();
    voiceForm.querySelector('input[name="voice-choice"]:checked').focus();
    loadCorpusVoices();
  };
  voiceForm.addEventListener("change", syncVoiceChoice);
  field("voice-other").addEventListener("input", () => {
    field("voice-other-choice").checked = true;
    syncVoiceChoice();
  });
  voiceDialog.querySelector(".voice-cancel").addEventListener("click", () => voiceDialog.close());
  // After the page is read again, say what was done where the analyst will hear it.
  const AFTER_RELOAD = "glossa-voice-status";
  // `paragraph` to focus, or `place`: the id of an element to focus, and `line`: a selector
  // for the status line to say the message in.
  const reloadAt = (paragraph, message, { place = null, line = null } = {}) => {
    try {
      sessionStorage.setItem(AFTER_RELOAD, JSON.stringify({ message, paragraph, place, line }));
    } catch { /* private mode: no message */ }
    if (paragraph) window.location.hash = `p${paragraph}`;
    window.location.reload();
  };
  voiceForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    let voice;
    const choice = chosenVoice();
    if (choice === "keep") {
      voice = { id: correcting.voiceId };
    } else if (choice === "none") {
      voice = null;
    } else {
      const typed = typedVoice();
      if (!typed) {
        showVoiceError("Type who speaks (or choose one from the list), or choose another answer.");
        field("voice-other").focus();
        return;
      }
      await loadCorpusVoices();
      const known = knownVoice(typed);
      voice = known
        ? { id: known.id }
        : { label: typed, official: field("voice-official").checked, ...(field("voice-actor").value ? { actor: field("voice-actor").value } : {}) };
    }
    const response = await fetch(corrections, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ motivation: "classifying", target: passage(correcting.target), voice }),
    });
    if (!response.ok) {
      showVoiceError(await explain(response));
      return;
    }
    const saved = await response.json();
    const where = `the sentence in paragraph ${saved.paragraph}`;
    const message = saved.outcome === "confirmed"
      ? `Confirmed: ${where} gives the view of ${saved.voice.label}.`
      : saved.voice
        ? `Saved: ${where} now gives the view of ${saved.voice.label}.`
        : `Saved: ${where} now reports no one.`;
    voiceDialog.close();
    reloadAt(saved.paragraph, message);
  });
  for (const undo of document.querySelectorAll("button.correction-undo")) {
    undo.addEventListener("click", async () => {
      const response = await fetch(`${corrections}/${undo.dataset.correction}`, {
        method: "DELETE",
        credentials: "same-origin",
      });
      if (!response.ok && response.status !== 404) {
        showHint([await explain(response)]);
        return;
      }
      reloadAt(null, undo.dataset.undone);
    });
  }
  // After the page is read again: focus where the analyst was (the corrected paragraph, the
  // source's grade, or the list of corrections after an Undo, or the Voices heading once none
  // is left), then say what was done, once.
  try {
    const told = JSON.parse(sessionStorage.getItem(AFTER_RELOAD) || "null");
    if (told) {
      sessionStorage.removeItem(AFTER_RELOAD);
      const place = (told.paragraph && document.getElementById(`p${told.paragraph}`))
        || (told.place && document.getElementById(told.place))
        || document.getElementById("voice-corrections-title")
        || document.getElementById("voices-title");
      if (place) {
        // Focusable by script only, unless it is in the tab order already (the summary).
        if (place.tabIndex < 0) place.tabIndex = -1;
        place.focus({ preventScroll: Boolean(told.paragraph) });
      }
      const line = (told.line && document.querySelector(told.line)) || document.querySelector(".voices-status") || status;
      // A moment's wait, so that the live region exists before it changes and is heard.
      setTimeout(() => { if (line) line.textContent = told.message; }, 500);
    }
  } catch { /* no storage: nothing to tell */ }
  // ---- Grading the source ----------------------------------------------------------------
  const gradeForm = document.querySelector(".grade-form");
  if (gradeForm) {
    const gradeError = gradeForm.querySelector(".form-error");
    gradeForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      const letter = gradeForm.elements.reliability.value || null;
      const scope = gradeForm.elements.scope?.value || "document";
      const response = await fetch(`/api/documents/${encodeURIComponent(slug)}/reliability`, {
        method: "PUT",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ reliability: letter, scope }),
      });
      if (!response.ok) {
        showAlert(gradeError, await explain(response));
        return;
      }
      const graded = await response.json();
      const message = graded.grade
        ? `Saved: the source is graded ${graded.grade}, ${graded.words}.`
        : "Saved: the source is not graded.";
      reloadAt(null, message, { place: "source-grade-title", line: ".grade-status" });
    });
  }

  voiceButton.addEventListener("mousedown", (event) => event.preventDefault());
  voiceButton.addEventListener("click", () => {
    if (pending) openVoiceEditor(pending);
  });

  document.addEventListener("keydown", (event) => {
    if (dialog.open || voiceDialog.open) return;
    if (!keySelect && !typing(event) && event.key === "w") {
      const target = selectionTarget();
      event.preventDefault();
      if (target) {
        openVoiceEditor(target);
      } else {
        showHint([
          "Select words of a sentence first: drag over them, or press ", ["v", "kbd"],
          " to select with the keyboard, then press ", ["w", "kbd"], " to say who speaks in it.",
        ]);
      }
      return;
    }
    if (!keySelect && !typing(event) && event.key === "n") {
      const target = selectionTarget();
      event.preventDefault();
      if (target) {
        openEditor({ target });
      } else {
        showHint([
          "Select a passage first (words: a space alone cannot carry a note): drag over it, or press ", ["v", "kbd"],
          " to select with the keyboard (", ["←", "kbd"], " ", ["→", "kbd"], " move by word, ",
          ["Shift", "kbd"], " extends, ", ["Enter", "kbd"], " writes the note).",
        ]);
      }
      return;
    }
    readerKeys(event);
  });
})();

// The form that adds a document: a file or a text over the limit is refused here, before it is
// sent, so that nothing typed in the form is lost (the server could read none of it back).
(function () {
  const form = document.querySelector("form.intake-form[data-max-bytes]");
  if (!form) return;
  const limit = Number(form.dataset.maxBytes);
  const file = form.querySelector("#intake-file");
  const text = form.querySelector("#intake-text");
  const error = form.querySelector("#intake-size-error");
  const mib = (bytes) => `${(bytes / 1048576).toFixed(1)} MiB`;
  const refuse = (field, message) => {
    error.textContent = "";
    error.hidden = false;
    error.textContent = message;
    field.setAttribute("aria-invalid", "true");
    field.setAttribute("aria-describedby", error.id);
    field.focus();
  };
  const clear = (field) => {
    field.removeAttribute("aria-invalid");
    if (field.getAttribute("aria-describedby") === error.id) field.removeAttribute("aria-describedby");
    error.hidden = true;
  };
  file.addEventListener("change", () => clear(file));
  text.addEventListener("input", () => clear(text));
  form.addEventListener("submit", (event) => {
    const chosen = file.files && file.files[0];
    if (chosen && chosen.size > limit) {
      event.preventDefault();
      refuse(file, `“${chosen.name}” is ${mib(chosen.size)}; a document is at most ${mib(limit)}. Choose a smaller file, or split the document. Nothing was sent.`);
    } else if (!chosen && new TextEncoder().encode(text.value).length > limit) {
      event.preventDefault();
      refuse(text, `The text is ${mib(new TextEncoder().encode(text.value).length)}; a document is at most ${mib(limit)}. Split it into several documents. Nothing was sent.`);
    }
  });
})();
