using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using static Scheduler.Functions.Pages.PageLayout;

namespace Scheduler.Functions.Pages;

/// <summary>
/// Local development only: a phone-like page showing the messages to a number (the local inbox) with a box to type
/// a reply. The page signs the reply as Twilio would (HMAC-SHA1 with the local auth token over the public URL and
/// the form) and posts it to the real <c>/api/sms/inbound</c>. It exists only with <c>Sms:Provider</c> <c>local</c>.
/// </summary>
public sealed class PhonePage(TableSmsOutbox outbox, IOptions<SmsOptions> sms, IOptions<TwilioOptions> twilio, IOptions<SchedulerOptions> options)
{
    [Function("PagePhone")]
    [ApiOperation("Local development only: a phone showing a number's SMS, to reply from.", Tag = "pages")]
    [ApiResponse(200, "HTML page.", ContentType = "text/html")]
    [ApiResponse(404, "SMS are sent through Twilio here.")]
    public async Task<IActionResult> Get([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "pages/phone")] HttpRequest request, CancellationToken cancellationToken)
    {
        if (!sms.Value.UsesLocal || string.IsNullOrEmpty(twilio.Value.AuthToken)) return Problems.NotFound("The local phone exists only with Sms:Provider 'local' and a Twilio:AuthToken to sign with.");
        var to = request.Query["to"].ToString().Trim();
        if (!System.Text.RegularExpressions.Regex.IsMatch(to, @"^\+[1-9][0-9]{6,14}$")) return Problems.Validation("to", "to must be a number in E.164 form, like +8613912345678.");
        var messages = await outbox.ListToAsync(to, 50, cancellationToken);
        var nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        var list = new StringBuilder();
        foreach (var m in messages.Reverse())
            list.Append($"<li><p>{H(m.Message.Text)}</p><small>{H(m.Message.At.ToString())} · {H(m.Message.Kind)} · {H(m.ProviderStatus ?? m.Status)}</small></li>");
        var url = $"{options.Value.PublicBaseUrl.TrimEnd('/')}/api/sms/inbound";
        var html = $$"""
            <!doctype html>
            <html lang="zh-CN">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{{H(to)}} - local phone</title>
            <style nonce="{{nonce}}">
            body{margin:0;font-family:system-ui,sans-serif;background:#222;display:flex;justify-content:center}
            .phone{width:22rem;min-height:100vh;background:#f4f4f4;display:flex;flex-direction:column}
            header{background:#0b3d91;color:#fff;padding:.6rem 1rem}
            ol{list-style:none;margin:0;padding:.5rem;flex:1;overflow:auto}
            li{background:#fff;border-radius:.8rem;padding:.5rem .8rem;margin:.4rem 0;max-width:90%;white-space:pre-wrap;word-break:break-all}
            li small{color:#666}
            form{display:flex;gap:.4rem;padding:.5rem;background:#ddd}
            input{flex:1;font:inherit;padding:.5rem}
            button{font:inherit;padding:.5rem 1rem}
            </style></head>
            <body><div class="phone">
            <header>{{H(to)}} <small>(local SMS, newest last)</small></header>
            <ol id="inbox">{{list}}</ol>
            <form id="reply"><label for="body" hidden>Reply</label><input id="body" name="Body" autocomplete="off" placeholder="1 / 2 / 3 / 预约 / 帮助 / 退订"><button type="submit">Send</button></form>
            <p id="status" role="status"></p>
            </div>
            <script nonce="{{nonce}}">
            const url = {{System.Text.Json.JsonSerializer.Serialize(url)}}, from = {{System.Text.Json.JsonSerializer.Serialize(to)}}, token = {{System.Text.Json.JsonSerializer.Serialize(twilio.Value.AuthToken)}};
            document.getElementById('reply').addEventListener('submit', async ev => {
              ev.preventDefault();
              const params = { MessageSid: 'SMlocal' + crypto.randomUUID().replace(/-/g, ''), From: from, To: 'centre', Body: document.getElementById('body').value };
              let data = url;
              for (const k of Object.keys(params).sort()) data += k + params[k];
              const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(token), { name: 'HMAC', hash: 'SHA-1' }, false, ['sign']);
              const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(data)));
              const signature = btoa(String.fromCharCode(...mac));
              const r = await fetch('/api/sms/inbound', { method: 'POST', headers: { 'X-Twilio-Signature': signature }, body: new URLSearchParams(params) });
              document.getElementById('status').textContent = r.ok ? 'sent' : 'refused: ' + r.status;
              setTimeout(() => location.reload(), 1500);
            });
            </script>
            </body></html>
            """;
        request.HttpContext.Response.Headers.CacheControl = "no-store";
        request.HttpContext.Response.Headers["Content-Security-Policy"] = $"default-src 'self'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'";
        return new ContentResult { Content = html, ContentType = "text/html; charset=utf-8", StatusCode = 200 };
    }
}
