/* Manabiba: the little the pages do with JavaScript. Everything works without it; this only helps. */
(function () {
  "use strict";

  // The error summary (core/forms/error_summary.html) takes the focus when the page opens, so that
  // a screen reader reads it and a keyboard user starts from it. Its autofocus attribute does this
  // in browsers that honour autofocus on any element; this covers the others and pages restored
  // from the back/forward cache.
  function focusSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary && document.activeElement !== summary && !summary.contains(document.activeElement)) {
      summary.focus();
    }
  }

  // A link in the summary goes to its field: focus the control and scroll so that its label or
  // legend shows too (following the fragment would hide the label under the top of the screen).
  function followSummaryLink(event) {
    var link = event.target.closest("[data-error-summary] a[href^='#']");
    if (!link) {
      return;
    }
    var control = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
    if (!control) {
      return;
    }
    var caption = control.closest("fieldset.field, .field");
    var heading = caption && caption.querySelector("legend, label");
    event.preventDefault();
    (heading || control).scrollIntoView();
    control.focus({ preventScroll: true });
  }

  // The catalogue's filters sit behind a disclosure so that a phone shows the results first; on a
  // wide screen there is room beside the results, so it opens there.
  function openFiltersOnWideScreens() {
    var panel = document.querySelector("[data-filter-panel]");
    if (panel && window.matchMedia("(min-width: 48.01rem)").matches) {
      panel.open = true;
    }
  }

  function ready() {
    focusSummary();
    openFiltersOnWideScreens();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      focusSummary();
    }
  });
  document.addEventListener("click", followSummaryLink);
})();
