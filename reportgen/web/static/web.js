// reportgen web page: add/remove rows in the meeting and report text forms, poll the build's progress,
// open previews in the frame. The page works without it (blank rows, reload for progress).
"use strict";
document.addEventListener("click", (event) => {
  const add = event.target.closest("[data-add]");
  if (add) {
    const list = add.closest("[data-list]");
    const rows = list.querySelectorAll("[data-row]");
    const copy = rows[rows.length - 1].cloneNode(true);
    const n = rows.length + 1;
    copy.querySelectorAll("input, textarea").forEach((input) => {
      input.value = ""; input.id = input.id.replace(/-\d+$/, "-" + n);
      input.removeAttribute("aria-invalid"); input.removeAttribute("aria-describedby");
    });
    copy.querySelectorAll("label").forEach((label) => { label.htmlFor = label.htmlFor.replace(/-\d+$/, "-" + n); });
    add.before(copy);
    copy.querySelector("input, textarea").focus();
  }
  const remove = event.target.closest("[data-remove]");
  if (remove) {
    const list = remove.closest("[data-list]");
    const row = remove.closest("[data-row]");
    if (list.querySelectorAll("[data-row]").length > 1) { row.remove(); } else { row.querySelectorAll("input, textarea").forEach((i) => { i.value = ""; }); }
  }
  const preview = event.target.closest("[data-preview]");
  if (preview) {
    document.getElementById("khung-xem").src = preview.dataset.preview;
  }
});
// A build or archive form: its button is disabled once sent (no second run by a double click).
document.querySelectorAll("[data-busy-form]").forEach((form) => {
  form.addEventListener("submit", () => {
    const button = form.querySelector("button[type=submit]");
    if (button) { button.disabled = true; button.textContent = "Đang thực hiện…"; }
  });
});
const progress = document.querySelector("[data-progress][data-running=true]");
if (progress) {
  const timer = setInterval(async () => {
    const state = await (await fetch("/lap/trang-thai", { cache: "no-store" })).json();
    const bar = progress.querySelector("progress");
    if (bar) { bar.value = state.done; }
    const count = progress.querySelector("[data-count]");
    if (count) { count.textContent = state.done + "/" + state.total; }
    if (!state.running) { clearInterval(timer); window.location.replace("/lap"); }
  }, 700);
}
// After an error: the first wrong field is focused and scrolled to (the summary links to each).
const wrong = document.querySelector("[aria-invalid=true]");
if (wrong) {
  wrong.scrollIntoView({ block: "center" });
  wrong.focus({ preventScroll: true });
}
