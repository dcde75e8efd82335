// boinc.cluster.web: the only script (shipped in the package, no CDN). Pages work without it.
document.addEventListener("DOMContentLoaded", () => {
  const all = document.getElementById("select-all");
  if (all) {
    all.addEventListener("change", () => {
      for (const box of document.querySelectorAll("input.select-host")) box.checked = all.checked;
    });
  }
});
