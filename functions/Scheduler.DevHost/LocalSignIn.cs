using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Scheduler.DevHost;

/// <summary>
/// Emulates App Service authentication locally. In Azure, App Service signs staff in with Entra ID, strips any
/// <c>X-MS-CLIENT-PRINCIPAL</c> header a client sends and sets its own. Here, <c>/.auth/login</c> is a plain page
/// that asks for a name, roles and the centres served (no password: it is for a developer's machine) and keeps them in a cookie, and
/// every request gets the header made from that cookie, never from the client. <c>/.auth/login/aad</c>, the address
/// of Entra ID sign-in in Azure that the app's pages link to, shows the same local page.
/// </summary>
public static class LocalSignIn
{
    public const string CookieName = "DevHostPrincipal";
    private static readonly string[] Roles = ["staff", "dispatcher", "admin"];

    public static string EncodePrincipal(string name, IEnumerable<string> roles)
    {
        // Locally the name typed is also the staff id the sign-in carries (sign in as s01 to be staff member s01).
        var claims = new List<object> { new { typ = "name", val = name }, new { typ = "staff_id", val = name } };
        claims.AddRange(roles.Select(r => new { typ = "roles", val = r }));
        var json = JsonSerializer.Serialize(new { auth_typ = "local", name_typ = "name", role_typ = "roles", claims });
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(json));
    }

    public static void UsePrincipalFromCookie(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        context.Request.Headers.Remove("X-MS-CLIENT-PRINCIPAL");
        context.Request.Headers.Remove("X-MS-CLIENT-PRINCIPAL-ID");
        context.Request.Headers.Remove("X-MS-CLIENT-PRINCIPAL-NAME");
        if (context.Request.Cookies.TryGetValue(CookieName, out var value) && TryRead(value, out var name))
        {
            context.Request.Headers["X-MS-CLIENT-PRINCIPAL"] = value;
            context.Request.Headers["X-MS-CLIENT-PRINCIPAL-ID"] = "local:" + name;
            context.Request.Headers["X-MS-CLIENT-PRINCIPAL-NAME"] = name;
        }
        await next();
    });

    public static void MapSignIn(this WebApplication app)
    {
        // /.auth/login/aad is where the app's pages send people (Easy Auth's Entra ID provider); here it is the same local page.
        foreach (var path in new[] { "/.auth/login", "/.auth/login/aad" })
            app.MapGet(path, (HttpContext c) => Results.Content(Page(c.Request.Query["post_login_redirect_uri"]), "text/html; charset=utf-8"));
        app.MapPost("/.auth/login/local", async (HttpContext c) =>
        {
            var form = await c.Request.ReadFormAsync();
            var name = form["name"].ToString().Trim();
            if (name.Length is 0 or > 50 || name.Any(char.IsControl))
                return Results.Problem(statusCode: 400, title: "The request is not valid.", detail: "name must be 1 to 50 characters.", type: Scheduler.Functions.Platform.Problems.TypeUri(400));
            var roles = form["roles"].OfType<string>().Where(r => Roles.Contains(r)).Distinct().ToList();
            // The centres served, as App Service would give them: app roles centre.{id} (none: the default centre).
            foreach (var centre in form["centres"].ToString().Split([',', ' '], StringSplitOptions.RemoveEmptyEntries))
            {
                if (!Scheduler.Core.Identity.CentreScope.IsWellFormed(centre))
                    return Results.Problem(statusCode: 400, title: "The request is not valid.", detail: $"'{centre}' is not a centre id.", type: Scheduler.Functions.Platform.Problems.TypeUri(400));
                roles.Add(Scheduler.Core.Identity.CentreScope.RolePrefix + centre);
            }
            c.Response.Cookies.Append(CookieName, EncodePrincipal(name, roles),
                new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Lax, Path = "/" });
            var redirect = form["redirect"].ToString();
            var local = redirect.StartsWith('/') && !redirect.StartsWith("//") && !redirect.StartsWith("/\\") && !redirect.Contains('\\');
            return Results.Redirect(local ? redirect : "/.auth/me");
        });
        app.MapGet("/.auth/logout", (HttpContext c) =>
        {
            c.Response.Cookies.Delete(CookieName);
            return Results.Redirect("/.auth/login");
        });
        app.MapGet("/.auth/me", (HttpContext c) =>
        {
            var header = c.Request.Headers["X-MS-CLIENT-PRINCIPAL"].ToString();
            if (header.Length == 0) return Results.Json(Array.Empty<object>());
            using var doc = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(header)));
            return Results.Json(new[] { new { provider_name = "local", user_id = c.Request.Headers["X-MS-CLIENT-PRINCIPAL-NAME"].ToString(), user_claims = doc.RootElement.GetProperty("claims").Clone() } });
        });
    }

    private static bool TryRead(string value, out string name)
    {
        name = "";
        try
        {
            using var doc = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(value)));
            name = doc.RootElement.GetProperty("claims").EnumerateArray().First(c => c.GetProperty("typ").GetString() == "name").GetProperty("val").GetString() ?? "";
            return name.Length > 0;
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException or KeyNotFoundException)
        {
            return false;
        }
    }

    private static string Page(string? redirect)
    {
        var r = WebUtility.HtmlEncode(redirect ?? "/.auth/me");
        var boxes = string.Join("\n", Roles.Select(role =>
            $"<label><input type=\"checkbox\" name=\"roles\" value=\"{role}\" checked> {role}</label>"));
        return $$"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Local sign-in</title>
            <style>body{font:18px/1.5 system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem}
            input[type=text]{font-size:1.1rem;width:100%;padding:.4rem}label{display:block;margin:.5rem 0}
            button{font-size:1.1rem;padding:.5rem 1.5rem;margin-top:1rem}</style></head>
            <body><main><h1>Local sign-in</h1>
            <p>This page stands in for App Service authentication on a developer's machine. In Azure, staff sign in with Entra ID.</p>
            <form method="post" action="/.auth/login/local">
            <label for="name">Name</label><input id="name" name="name" type="text" required maxlength="50" value="dispatcher">
            <fieldset><legend>Roles</legend>{{boxes}}</fieldset>
            <label for="centres">Centres served (ids, comma-separated; empty: the default centre)</label><input id="centres" name="centres" type="text" maxlength="200" placeholder="siming">
            <input type="hidden" name="redirect" value="{{r}}">
            <button type="submit">Sign in</button></form></main></body></html>
            """;
    }
}
