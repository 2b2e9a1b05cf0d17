/// One self-contained HTML page: the SVG chart inline, CSS and a little plain JavaScript,
/// nothing fetched. Hovering a mark shows its series, x and y in a tooltip (`#trq-tooltip`);
/// clicking (or Enter/Space on) a legend entry hides or shows that series.
///
/// Opened with `#selftest` in the URL, the page hovers its first mark and clicks its first
/// legend entry, and records what happened on `<output id="trq-selftest">`: the tooltip text as
/// content, and `data-marks`, `data-tooltip-visible`, `data-hidden-series` attributes. Tests run
/// it in a headless browser.
public enum HTMLChart {
    public static func render(_ spec: PlotSpec, width: Int = SVGChart.defaultWidth, height: Int = SVGChart.defaultHeight) -> String {
        let title = XML.escape(spec.title.isEmpty ? "trq \(spec.kind.rawValue) chart" : spec.title)
        let svg = SVGChart.render(spec, width: width, height: height, nativeTooltips: false)
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(title)</title>
            <style>
            \(pageStyle)</style>
            </head>
            <body>
            <div class="trq-figure" id="trq-figure">
            \(svg)<div id="trq-tooltip" role="status" hidden></div>
            </div>
            <output id="trq-selftest" hidden></output>
            <script>
            \(script)</script>
            </body>
            </html>

            """
    }

    static let pageStyle = """
        body { margin: 0; padding: 24px; background: #f6f6f6; color: #222; font: 13px system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; }
        .trq-figure { position: relative; display: inline-block; background: #fff; box-shadow: 0 1px 4px rgba(0, 0, 0, 0.15); }
        .trq-figure svg { display: block; max-width: 100%; height: auto; }
        .trq-chart .mark { cursor: default; }
        .trq-chart .mark:hover, .trq-chart .mark.active { stroke: #111; stroke-width: 1.5; }
        .trq-chart .legend-item:focus { outline: 1px dotted #555; }
        #trq-tooltip { position: absolute; z-index: 1; pointer-events: none; white-space: pre; padding: 5px 8px; border-radius: 4px; background: rgba(25, 25, 25, 0.92); color: #fff; font-size: 12px; line-height: 1.4; }
        #trq-tooltip[hidden] { display: none; }

        """

    static let script = """
        (function () {
          "use strict";
          var figure = document.getElementById("trq-figure");
          var svg = figure.querySelector("svg");
          var tip = document.getElementById("trq-tooltip");
          var xLabel = svg.getAttribute("data-x-label");
          var yLabel = svg.getAttribute("data-y-label");
          var legendItems = Array.prototype.slice.call(svg.querySelectorAll(".legend-item"));
          var active = null;

          function describe(mark) {
            var lines = [];
            var series = mark.getAttribute("data-series");
            if (legendItems.length > 1 && series) { lines.push(series); }
            lines.push(xLabel + ": " + mark.getAttribute("data-x"));
            lines.push(yLabel + ": " + mark.getAttribute("data-y"));
            if (mark.hasAttribute("data-value")) { lines.push(svg.getAttribute("data-value-label") + ": " + mark.getAttribute("data-value")); }
            return lines.join("\\n");
          }

          function show(mark) {
            if (active) { active.classList.remove("active"); }
            active = mark;
            mark.classList.add("active");
            tip.textContent = describe(mark);
            tip.hidden = false;
            var box = figure.getBoundingClientRect();
            var at = mark.getBoundingClientRect();
            var left = at.right - box.left + 8;
            if (left + tip.offsetWidth > box.width) { left = Math.max(0, at.left - box.left - tip.offsetWidth - 8); }
            tip.style.left = left + "px";
            tip.style.top = Math.max(0, at.top - box.top - tip.offsetHeight - 4) + "px";
          }

          function hide() {
            if (active) { active.classList.remove("active"); }
            active = null;
            tip.hidden = true;
          }

          svg.addEventListener("mouseover", function (event) {
            var mark = event.target.closest(".mark");
            if (mark) { show(mark); }
          });
          svg.addEventListener("mouseout", function (event) {
            if (event.target.closest(".mark")) { hide(); }
          });

          function toggle(item) {
            var off = item.classList.toggle("off");
            item.setAttribute("aria-pressed", off ? "false" : "true");
            var index = item.getAttribute("data-index");
            svg.querySelectorAll('.series[data-index="' + index + '"]').forEach(function (group) {
              group.classList.toggle("off", off);
            });
            hide();
          }

          legendItems.forEach(function (item) {
            item.addEventListener("click", function () { toggle(item); });
            item.addEventListener("keydown", function (event) {
              if (event.key === "Enter" || event.key === " ") { event.preventDefault(); toggle(item); }
            });
          });

          if (location.hash === "#selftest") {
            var report = document.getElementById("trq-selftest");
            var marks = svg.querySelectorAll(".mark");
            report.setAttribute("data-marks", String(marks.length));
            if (marks.length > 0) {
              marks[0].dispatchEvent(new MouseEvent("mouseover", { bubbles: true }));
              report.setAttribute("data-tooltip-visible", String(!tip.hidden && getComputedStyle(tip).display !== "none"));
              report.textContent = tip.textContent;
            }
            if (legendItems.length > 0) {
              legendItems[0].dispatchEvent(new MouseEvent("click", { bubbles: true }));
              var hidden = Array.prototype.filter.call(svg.querySelectorAll(".series"), function (group) {
                return getComputedStyle(group).display === "none";
              });
              report.setAttribute("data-hidden-series", hidden.map(function (group) { return group.getAttribute("data-index"); }).join(","));
            }
          }
        })();

        """
}
