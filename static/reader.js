// glossa reader: progressive enhancement only. Every page is complete without this file.
"use strict";

(function () {
  const article = document.querySelector("article.document");
  if (!article) return;

  // Legend: one checkbox per actor turns its highlights on and off.
  for (const toggle of article.querySelectorAll("input.actor-toggle")) {
    toggle.disabled = false;
    toggle.addEventListener("change", () => {
      for (const mark of article.querySelectorAll("mark.actor")) {
        if (mark.dataset.actor === toggle.value) mark.classList.toggle("muted", !toggle.checked);
      }
    });
  }

  // A text label after each mention, for readers who cannot rely on colour.
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

  // Footnote markers show their footnote in a popover on hover and keyboard focus.
  let shown = null;
  const hide = () => {
    if (shown && shown.matches(":popover-open")) shown.hidePopover();
    shown = null;
  };
  const show = (link) => {
    const tip = document.getElementById(link.getAttribute("aria-describedby"));
    if (!tip || typeof tip.showPopover !== "function") return;
    hide();
    tip.showPopover();
    const box = link.getBoundingClientRect();
    const width = tip.offsetWidth;
    const left = Math.max(8, Math.min(box.left, window.innerWidth - width - 8));
    const below = box.bottom + 6;
    const top = below + tip.offsetHeight > window.innerHeight ? box.top - tip.offsetHeight - 6 : below;
    tip.style.left = `${left}px`;
    tip.style.top = `${Math.max(8, top)}px`;
    shown = tip;
  };
  for (const link of article.querySelectorAll("sup.fn-ref a")) {
    link.addEventListener("mouseenter", () => show(link));
    link.addEventListener("focus", () => show(link));
    link.addEventListener("mouseleave", hide);
    link.addEventListener("blur", hide);
    link.addEventListener("click", hide);
  }
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") hide();
  });
  window.addEventListener("scroll", hide, { passive: true });
})();
