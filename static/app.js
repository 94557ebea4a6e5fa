// memberflow pages: the process diagram, the dashboard's charts, keyboard moves in lists, upload progress.
(function () {
  "use strict";

  // The full diagram (nested and parallel states) first; when the layout cannot place it, the
  // overview of top-level states, whose current one names its active sub-states.
  function drawDiagrams() {
    var full = document.querySelector('pre.mermaid[data-diagram="full"]');
    if (!window.mermaid || !full) return;
    window.mermaid.initialize({ startOnLoad: false, securityLevel: "strict", theme: "neutral",
      fontFamily: '"Noto Sans CJK SC", "Microsoft YaHei", sans-serif', state: { useMaxWidth: false } });
    var shown = function (el) {
      el.setAttribute("data-rendered", "true");
      // Natural size (readable); the frame scrolls, starting at the current state.
      var wrap = el.closest(".diagram-wrap"), node = el.querySelector("g.node.current");
      if (!wrap || !node) return;
      var box = node.getBoundingClientRect(), frame = wrap.getBoundingClientRect();
      wrap.scrollLeft += box.left - frame.left - frame.width / 2 + box.width / 2;
      wrap.scrollTop += box.top - frame.top - frame.height / 2 + box.height / 2;
    };
    window.mermaid.run({ nodes: [full] }).then(function () { shown(full); }).catch(function () {
      var overview = document.querySelector('pre[data-diagram="overview"]');
      full.hidden = true;
      if (!overview) return;
      overview.hidden = false;
      var note = document.querySelector("[data-overview-note]");
      if (note) note.hidden = false;
      overview.classList.add("mermaid");
      window.mermaid.run({ nodes: [overview] }).then(function () { shown(overview); }).catch(function () {
        overview.textContent = "流程图暂时无法显示。";
      });
    });
  }

  var palette = ["#c8102e", "#f29c1f", "#2f6fde", "#2e9d5b", "#7b4fc9", "#8a8f98", "#e4572e", "#17a2b8"];
  function drawCharts() {
    var data = document.getElementById("chart-data");
    if (!data || !window.Chart) return;
    var charts = JSON.parse(data.textContent);
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var series = charts[canvas.dataset.chart];
      if (!series || !series.values.length) { canvas.parentElement.innerHTML = '<p class="empty">暂无数据</p>'; return; }
      var kind = canvas.dataset.kind;
      new window.Chart(canvas, {
        type: kind,
        data: { labels: series.labels, datasets: [{ data: series.values,
          backgroundColor: kind === "bar" ? "#c8102e" : palette.slice(0, series.values.length) }] },
        options: { responsive: true, maintainAspectRatio: false, animation: false,
          indexAxis: kind === "bar" ? "y" : undefined,
          plugins: { legend: { display: kind !== "bar", position: "right" } },
          scales: kind === "bar" ? { x: { beginAtZero: true, ticks: { precision: 0 } } } : {} }
      });
    });
  }

  // j/k move between rows of a list, Enter opens the row, c claims and r releases its task, / searches.
  function rows() { return Array.prototype.slice.call(document.querySelectorAll("[data-keyboard-list] tbody tr")); }
  document.addEventListener("keydown", function (event) {
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "select" || tag === "textarea" || event.ctrlKey || event.metaKey || event.altKey) return;
    var list = rows(), current = list.indexOf(document.activeElement);
    if (event.key === "/") {
      var search = document.querySelector("[data-search], .filters select");
      if (search) { event.preventDefault(); search.focus(); }
    } else if ((event.key === "j" || event.key === "k") && list.length) {
      var next = event.key === "j" ? Math.min(current + 1, list.length - 1) : Math.max(current - 1, 0);
      list[next].focus(); event.preventDefault();
    } else if (event.key === "Enter" && current >= 0 && list[current].dataset.href) {
      window.location.href = list[current].dataset.href;
    } else if ((event.key === "c" || event.key === "r") && current >= 0) {
      var button = list[current].querySelector('button[data-key="' + event.key + '"]');
      if (button) { button.click(); event.preventDefault(); }
    }
  });

  document.addEventListener("htmx:xhr:progress", function (event) {
    var bar = document.getElementById("import-progress");
    if (!bar || !event.detail.lengthComputable) return;
    var percent = Math.round(event.detail.loaded / event.detail.total * 100);
    bar.value = percent;
    document.getElementById("import-progress-text").textContent =
      percent < 100 ? "正在上传 " + percent + "%" : "上传完成，正在逐行检查…";
  });

  document.addEventListener("htmx:responseError", function (event) {
    var target = event.detail.target;
    if (target) target.insertAdjacentHTML("afterbegin", '<div class="alert" role="alert">操作未能完成，请刷新页面后重试。</div>');
  });
  document.addEventListener("htmx:sendError", function (event) {
    var target = event.detail.target;
    if (target) target.insertAdjacentHTML("afterbegin", '<div class="alert" role="alert">网络连接失败，请检查网络后重试。</div>');
  });

  window.addEventListener("DOMContentLoaded", function () { drawDiagrams(); drawCharts(); });
})();
