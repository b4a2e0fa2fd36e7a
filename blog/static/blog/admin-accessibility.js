// Accessible names Wagtail 7.4's admin leaves out (found by axe-core, tests/browser/):
// - Draftail rich-text editors render a role="textbox" with no name (axe
//   aria-input-field-name, serious): named after their field's label, or their block's.
// - The tag widget's text input (tagit) has no label (axe label, critical): named after
//   the field's label.
// A MutationObserver covers editors added later (new StreamField blocks, inline panels).
(function () {
  "use strict";

  function labelText(node) {
    return node ? node.textContent.replace(/\s+/g, " ").replace(/\*$/, "").trim() : "";
  }

  function fieldLabel(element) {
    var wrapper = element.closest("[data-field-wrapper], .w-field__wrapper, .w-field");
    var label = wrapper && wrapper.querySelector("label, .w-field__label");
    var text = labelText(label);
    if (text) return text;
    var block = element.closest("[data-contentpath], section[id]");
    var heading = block && block.querySelector("[data-panel-heading-text], .c-sf-block__type");
    return labelText(heading) || "Rich text";
  }

  function nameEditors(root) {
    root.querySelectorAll(".DraftEditor-root [role='textbox']:not([aria-label])").forEach(
      function (box) { box.setAttribute("aria-label", fieldLabel(box)); }
    );
    root.querySelectorAll("ul.tagit input.ui-autocomplete-input:not([aria-label])").forEach(
      function (input) {
        var field = input.closest("[data-field-wrapper], .w-field__wrapper, .w-field");
        var label = field && field.querySelector("label");
        input.setAttribute("aria-label", labelText(label) || "Tags");
      }
    );
  }

  function start() {
    nameEditors(document);
    new MutationObserver(function () { nameEditors(document); }).observe(document.body, {
      childList: true,
      subtree: true,
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
