// The Promote tab's live previews and character counters (blog/social_preview.py).
// The fallbacks mirror blog/seo.py: title tag, else page title; meta description, else the
// intro cut at a word near 155 characters (blog/services.py truncate_at_word).
(function () {
  "use strict";

  function truncateAtWord(text, length) {
    if (text.length <= length) return text;
    var head = text.slice(0, length);
    var cut = head.indexOf(" ") >= 0 ? text.slice(0, length + 1).replace(/ [^ ]*$/, "") : head;
    return cut.replace(/[ ,.;:\-\u2013\u2014]+$/, "") + "\u2026";
  }

  function squash(text) {
    return (text || "").replace(/\s+/g, " ").trim();
  }

  function counter(field, limit, fallbackLabel) {
    var note = document.createElement("span");
    note.className = "social-counter";
    note.setAttribute("data-counter-for", field.id);
    field.setAttribute("aria-describedby", ((field.getAttribute("aria-describedby") || "") + " " + field.id + "-counter").trim());
    note.id = field.id + "-counter";
    field.insertAdjacentElement("afterend", note);
    return function update() {
      var length = squash(field.value).length;
      note.textContent = length
        ? length + " / " + limit + " characters (recommended at most " + limit + ")"
        : "Empty: " + fallbackLabel;
      note.classList.toggle("social-counter--over", length > limit);
    };
  }

  function start() {
    var root = document.querySelector("[data-social-preview]");
    if (!root) return;
    var byId = function (id) { return document.getElementById(id); };
    var title = byId("id_title");
    var seoTitle = byId("id_seo_title");
    var description = byId("id_search_description");
    var intro = byId("id_intro");
    var excerptLength = parseInt(root.dataset.excerptLength, 10);
    var fallbackDescription = root.dataset.fallbackDescription || "";
    var updates = [];
    if (seoTitle) updates.push(counter(seoTitle, parseInt(root.dataset.titleLimit, 10), "the page title is used"));
    if (description) updates.push(counter(description, parseInt(root.dataset.descriptionLimit, 10), "the intro is used"));

    function refresh() {
      var resolvedTitle = squash(seoTitle && seoTitle.value) || squash(title && title.value);
      var written = squash(description && description.value);
      var introText = squash(intro && intro.value);
      var resolvedDescription = written || (intro ? truncateAtWord(introText, excerptLength) : fallbackDescription);
      if (!written && intro && !introText) resolvedDescription = fallbackDescription;
      root.querySelectorAll("[data-preview-title]").forEach(function (node) { node.textContent = resolvedTitle; });
      root.querySelectorAll("[data-preview-description]").forEach(function (node) { node.textContent = resolvedDescription; });
      updates.forEach(function (update) { update(); });
    }

    [title, seoTitle, description, intro].forEach(function (field) {
      if (field) field.addEventListener("input", refresh);
    });
    refresh();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
