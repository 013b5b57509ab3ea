using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using NodaTime;
using Scheduler.Core.Booking;
using Scheduler.Core.HomeVisits.Requests;
using Scheduler.Core.Identity;
using Scheduler.Core.Staffing;
using static Scheduler.Functions.Pages.PageLayout;

namespace Scheduler.Functions.Pages;

/// <summary>
/// The dispatcher's page: requests to decide, a plan run with its progress, the plan on a map (one colour per staff
/// member; tiles only when a tile server is configured) and as a timeline, dropped visits with reasons, and publish.
/// The page is a shell; its script calls the same API the OpenAPI document lists, with the function key it was opened with.
/// </summary>
public sealed class DispatcherPage(ICentreDirectory centres, CallerResolver callers, IClock clock, IOptions<SchedulerOptions> options, IOptions<PlanningOptions> planning)
{
    [Function("PageDispatch")]
    [ApiOperation("Dispatcher page: approve requests, plan a day, see it on a map and a timeline, publish it.", Tag = "pages", Access = "dispatchers")]
    [ApiResponse(200, "HTML page.", ContentType = "text/html")]
    [ApiResponse(401, "Not signed in, or no function key.", ContentType = "text/html")]
    [ApiResponse(403, "Not a dispatcher.", ContentType = "text/html")]
    public async Task<IActionResult> Get([HttpTrigger(AuthorizationLevel.Function, "get", Route = "pages/dispatch")] HttpRequest request, CancellationToken cancellationToken)
    {
        var text = PageText.For(request.Query["lang"]);
        var centre = await centres.GetAsync(options.Value.CentreId, cancellationToken) ?? throw new InvalidOperationException("The centre has no profile.");
        var name = text.Of(centre.Profile.Centre.Name);
        var (caller, denied) = callers.RequireRole(request, Roles.Dispatcher);
        if (denied is not null)
        {
            var status = (denied as ObjectResult)?.StatusCode ?? 401;
            return Page(text, text.T("调度台", "Dispatch"), $"<p class=\"error\" role=\"alert\">{text.T("请先以调度员身份登录。", "Sign in as a dispatcher first.")}</p>" +
                $"<p><a class=\"button primary\" href=\"/.auth/login/aad?post_login_redirect_uri={H(Q(request.Path + request.QueryString))}\">{text.T("登录", "Sign in")}</a></p>",
                name, "/api/pages/dispatch?lang=" + (text.English ? "zh" : "en") + "&code=" + Q(request.Query["code"]), status);
        }
        var next = centre.Calendar.NextWorkingDay(centre.Calendar.Today(clock.GetCurrentInstant()));
        var config = System.Text.Json.JsonSerializer.Serialize(new
        {
            lang = text.Language,
            centre = new { lat = centre.Profile.Centre.Location.Latitude, lng = centre.Profile.Centre.Location.Longitude },
            tiles = planning.Value.TileUrl,
            items = centre.Profile.Items.ToDictionary(i => i.Id, i => text.Of(i.Name)),
        });
        var body = $$"""
            <link rel="stylesheet" href="/api/assets/leaflet.css">
            <style>
            main{max-width:72rem}
            table{border-collapse:collapse;width:100%;font-size:.85rem}th,td{border-bottom:1px solid #ccc;padding:.3rem;text-align:left;vertical-align:top}
            td button{display:inline-block;width:auto;min-height:2.2rem;padding:.2rem .6rem;margin:.1rem;font-size:.85rem}
            #map{height:22rem;border:2px solid #333;border-radius:.4rem;background:#e8eef5}
            .timeline .row{display:flex;align-items:center;margin:.2rem 0}.timeline .who{width:5rem;font-weight:700;font-size:.85rem}
            .timeline .bar{position:relative;flex:1;height:1.6rem;background:#f2f2f2;border:1px solid #bbb}
            .timeline .blk{position:absolute;top:0;bottom:0;color:#fff;font-size:.7rem;overflow:hidden;white-space:nowrap;padding:0 .15rem;border-right:1px solid #fff}
            .timeline .lunch{background:#666}
            .controls{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end}.controls label{margin:0}.controls button{width:auto}
            </style>
            <p>{{text.T("调度员", "Dispatcher")}}: <strong>{{H((caller as StaffCaller)?.DisplayName)}}</strong></p>
            <h2 id="requests-title">{{text.T("上门服务申请", "Home-visit requests")}}</h2>
            <div id="requests" aria-labelledby="requests-title"><p>…</p></div>
            <h2 id="plan-title">{{text.T("排班规划", "Plan a day")}}</h2>
            <div class="controls">
              <div><label for="plan-date">{{text.T("日期", "Date")}}</label><input id="plan-date" type="date" value="{{next:yyyy-MM-dd}}"></div>
              <button id="plan" class="primary" type="button">{{text.T("开始规划", "Plan this day")}}</button>
              <button id="publish" type="button" disabled>{{text.T("发布并通知", "Publish and notify")}}</button>
            </div>
            <p id="progress" role="status" aria-live="polite"></p>
            <div id="kpis"></div>
            <h2>{{text.T("路线地图", "Routes")}}</h2>
            <div id="map" role="img" aria-label="{{text.T("每位工作人员一种颜色的上门路线图", "Map of the routes, one colour per member of staff")}}"></div>
            <h2>{{text.T("时间线", "Timeline")}}</h2>
            <div id="timeline" class="timeline"></div>
            <h2>{{text.T("未能安排", "Not planned")}}</h2>
            <ul id="dropped"></ul>
            <script src="/api/assets/leaflet.js"></script>
            <script>
            const CONFIG = {{config}};
            const zh = CONFIG.lang !== 'en';
            const t = (a, b) => zh ? a : b;
            const code = new URLSearchParams(location.search).get('code') || '';
            const api = (path, init = {}) => fetch(path, { ...init, headers: { 'x-functions-key': code, 'content-type': 'application/json', ...(init.headers || {}) } });
            const el = (tag, props = {}, ...children) => { const e = document.createElement(tag); Object.assign(e, props); e.append(...children); return e; };
            const colours = ['#0b3d91','#a4000f','#0a6b2d','#8a4b00','#5b2a86','#00646e','#b3004b','#3d3d3d','#005fa3','#6b6b00'];
            let runId = null;
            const map = L.map('map', { attributionControl: true }).setView([CONFIG.centre.lat, CONFIG.centre.lng], 13);
            if (CONFIG.tiles) L.tileLayer(CONFIG.tiles, { maxZoom: 18 }).addTo(map);
            const layer = L.layerGroup().addTo(map);
            L.circleMarker([CONFIG.centre.lat, CONFIG.centre.lng], { radius: 9, color: '#000' }).bindTooltip(t('中心', 'Centre')).addTo(map);

            async function loadRequests() {
              const box = document.getElementById('requests');
              const list = await (await api('/api/dispatch/home-visits')).json();
              window.REQUESTS = Object.fromEntries(list.map(r => [r.id, r]));
              const table = el('table');
              table.append(el('caption', { className: 'hint', textContent: t('按申请时间排列', 'Oldest first') }));
              const head = el('tr'); [t('居民','Resident'), t('事项','Service'), t('原因','Reason'), t('时间','Windows'), t('状态','Status'), t('操作','Decide')].forEach(h => head.append(el('th', { scope: 'col', textContent: h })));
              table.append(el('thead', {}, head));
              const rows = el('tbody');
              for (const r of list) {
                const tr = el('tr');
                tr.append(el('td', { textContent: r.residentName + ' ' + r.mobileMasked }));
                tr.append(el('td', { textContent: CONFIG.items[r.itemId] || r.itemId }));
                tr.append(el('td', { textContent: r.reason + (r.age ? ' (' + r.age + ')' : '') + ' – ' + r.assessment.reason }));
                tr.append(el('td', { textContent: r.windows.map(w => w.date + ' ' + w.from.slice(0,5) + '–' + w.to.slice(0,5)).join(', ') }));
                tr.append(el('td', { textContent: r.status + (r.decision && r.decision.reason ? ': ' + r.decision.reason : '') }));
                const actions = el('td');
                if (r.status === 'Submitted' || r.status === 'NeedsInformation') {
                  const reason = el('input', { type: 'text', placeholder: t('原因（驳回或补充时必填）', 'Reason (to reject or ask)') });
                  reason.setAttribute('aria-label', t('原因', 'Reason') + ' ' + r.residentName);
                  const decide = (d) => async () => {
                    const res = await api('/api/dispatch/home-visits/' + r.id + '/decision', { method: 'POST', body: JSON.stringify({ decision: d, reason: reason.value || null }) });
                    if (!res.ok) { const p = await res.json(); alert(p.detail); }
                    await loadRequests();
                  };
                  const approve = el('button', { type: 'button', textContent: t('批准', 'Approve'), onclick: decide('Approve') });
                  approve.setAttribute('aria-label', t('批准 ', 'Approve ') + r.residentName);
                  const reject = el('button', { type: 'button', textContent: t('驳回', 'Reject'), onclick: decide('Reject') });
                  reject.setAttribute('aria-label', t('驳回 ', 'Reject ') + r.residentName);
                  const ask = el('button', { type: 'button', textContent: t('要求补充', 'Ask for more'), onclick: decide('AskForInformation') });
                  ask.setAttribute('aria-label', t('要求补充 ', 'Ask for more from ') + r.residentName);
                  actions.append(reason, approve, reject, ask);
                }
                tr.append(actions);
                rows.append(tr);
              }
              table.append(rows);
              box.replaceChildren(list.length ? table : el('p', { textContent: t('暂无申请。', 'No requests.') }));
            }

            const minutes = (s) => { const [h, m] = s.split(':').map(Number); return h * 60 + m; };
            function show(run) {
              const plan = run.plan;
              const k = plan ? plan.kpis : null;
              document.getElementById('kpis').replaceChildren(k ? el('p', { textContent:
                t(`已安排 ${k.served} 户，未安排 ${k.dropped} 户；路程合计 ${k.totalTravel}；加班 ${k.totalOvertime}`, `Served ${k.served}, not planned ${k.dropped}; travel ${k.totalTravel}; overtime ${k.totalOvertime}`) }) : '');
              layer.clearLayers();
              const timeline = document.getElementById('timeline');
              timeline.replaceChildren();
              const dropped = document.getElementById('dropped');
              dropped.replaceChildren();
              if (!plan) return;
              const bounds = [[CONFIG.centre.lat, CONFIG.centre.lng]];
              const day0 = 8 * 60, span = 10 * 60;
              plan.routes.forEach((route, i) => {
                const colour = colours[i % colours.length];
                const points = [[CONFIG.centre.lat, CONFIG.centre.lng]];
                const bar = el('div', { className: 'bar' });
                for (const stop of route.stops) {
                  const r = (window.REQUESTS || {})[stop.visitId];
                  if (r) {
                    points.push([r.latitude, r.longitude]); bounds.push([r.latitude, r.longitude]);
                    L.circleMarker([r.latitude, r.longitude], { radius: 6, color: colour }).bindTooltip(r.residentName + ' ' + stop.start.slice(0,5)).addTo(layer);
                  }
                  const b = el('div', { className: 'blk', textContent: (r ? r.residentName : stop.visitId) + ' ' + stop.start.slice(0,5) });
                  b.style.left = ((minutes(stop.start) - day0) / span * 100) + '%';
                  b.style.width = ((minutes(stop.end) - minutes(stop.start)) / span * 100) + '%';
                  b.style.background = colour;
                  bar.append(b);
                }
                if (route.break) {
                  const b = el('div', { className: 'blk lunch', textContent: t('午休', 'Lunch') });
                  b.style.left = ((minutes(route.break.start) - day0) / span * 100) + '%';
                  b.style.width = ((minutes(route.break.end) - minutes(route.break.start)) / span * 100) + '%';
                  bar.append(b);
                }
                points.push([CONFIG.centre.lat, CONFIG.centre.lng]);
                if (route.stops.length) L.polyline(points, { color: colour, weight: 4 }).bindTooltip(route.staffId).addTo(layer);
                timeline.append(el('div', { className: 'row' }, el('span', { className: 'who', textContent: route.staffId }), bar));
              });
              if (bounds.length > 1) map.fitBounds(bounds, { padding: [20, 20] });
              for (const d of plan.dropped) {
                const r = (window.REQUESTS || {})[d.visitId];
                dropped.append(el('li', { textContent: (r ? r.residentName : d.visitId) + ': ' + d.explanation }));
              }
              if (!plan.dropped.length) dropped.append(el('li', { textContent: t('全部已安排。', 'Everything is planned.') }));
            }

            async function follow(id) {
              const started = Date.now();
              const progress = document.getElementById('progress');
              for (;;) {
                const run = await (await api('/api/dispatch/plans/' + id)).json();
                const seconds = Math.round((Date.now() - started) / 1000);
                if (run.status === 'Queued' || run.status === 'Solving') {
                  progress.textContent = t(`正在规划…（${seconds} 秒）`, `Planning… (${seconds} s)`);
                  await new Promise(r => setTimeout(r, 700));
                  continue;
                }
                progress.textContent = (run.status === 'Failed'
                  ? t('规划失败，已保留原发布的方案：', 'Planning failed; the published plan stays: ') + run.failure
                  : t('规划完成，请查看后发布。', 'Planned: check it, then publish.'))
                  + (run.search ? t('（搜索：', ' (search: ') + run.search + t('）', ')') : '');
                document.getElementById('publish').disabled = run.status !== 'Solved';
                show(run);
                return;
              }
            }

            document.getElementById('plan').onclick = async () => {
              await loadRequests();
              const res = await api('/api/dispatch/plans', { method: 'POST', body: JSON.stringify({ date: document.getElementById('plan-date').value }) });
              const body = await res.json();
              if (!res.ok) { document.getElementById('progress').textContent = body.detail; return; }
              runId = body.id;
              await follow(runId);
            };
            document.getElementById('publish').onclick = async () => {
              const res = await api('/api/dispatch/plans/' + runId + '/publish', { method: 'POST', body: '{}' });
              const body = await res.json();
              document.getElementById('progress').textContent = res.ok ? t('已发布，居民将收到上门时间短信。', 'Published: residents get their times by SMS.') : body.detail;
              document.getElementById('publish').disabled = res.ok;
            };
            loadRequests();
            </script>
            """;
        return Page(text, text.T("调度台", "Dispatch"), body, name,
            "/api/pages/dispatch?lang=" + (text.English ? "zh" : "en") + "&code=" + Q(request.Query["code"]));
    }
}
