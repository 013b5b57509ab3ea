using System.Net;
using System.Text;
using Microsoft.AspNetCore.Mvc;

namespace Scheduler.Functions.Pages;

/// <summary>
/// The frame of every resident page: mobile first, large type, high contrast, usable at 320 px and at 200% zoom,
/// one main landmark, a language switch. Every value written into a page goes through <see cref="H"/>.
/// </summary>
public static class PageLayout
{
    public static string H(string? text) => WebUtility.HtmlEncode(text ?? "");

    public static string Q(string? value) => Uri.EscapeDataString(value ?? "");

    private const string Style = """
        *{box-sizing:border-box}
        html{font-size:125%}
        body{margin:0;font-family:"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",system-ui,sans-serif;line-height:1.5;color:#111;background:#fff}
        header{background:#0b3d91;color:#fff;padding:.6rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem;justify-content:space-between;align-items:center}
        header a{color:#fff}
        header .centre{font-weight:700}
        main{max-width:40rem;margin:0 auto;padding:1rem}
        h1{font-size:1.5rem;margin:.5rem 0 1rem}
        h2{font-size:1.2rem;margin:1.2rem 0 .5rem}
        a{color:#0b3d91}
        ul.choices{list-style:none;padding:0;margin:0}
        ul.choices li{margin:0 0 .6rem}
        .button,button{display:block;width:100%;min-height:3rem;padding:.7rem 1rem;font:inherit;font-weight:700;text-align:left;
          border:2px solid #0b3d91;border-radius:.5rem;background:#fff;color:#0b3d91;text-decoration:none;cursor:pointer}
        .button.primary,button.primary{background:#0b3d91;color:#fff}
        button.danger{border-color:#a4000f;color:#a4000f}
        .button small,.hint{display:block;font-weight:400;color:#333}
        .button.primary small{color:#fff}
        ul.days{display:grid;grid-template-columns:repeat(auto-fill,minmax(8.5rem,1fr));gap:.5rem}
        ul.days li{margin:0}
        .slots{display:grid;grid-template-columns:repeat(auto-fill,minmax(7rem,1fr));gap:.5rem;list-style:none;padding:0}
        label{display:block;font-weight:700;margin:.8rem 0 .2rem}
        input[type=text],input[type=tel],select{width:100%;min-height:3rem;font:inherit;padding:.5rem;border:2px solid #333;border-radius:.4rem}
        input[type=checkbox]{width:1.5rem;height:1.5rem;vertical-align:middle}
        .check label{display:inline;font-weight:400}
        fieldset{border:2px solid #ccc;border-radius:.5rem;margin:1rem 0;padding:.5rem 1rem}
        .error{border:3px solid #a4000f;background:#fff0f0;padding:.8rem;border-radius:.5rem;margin:0 0 1rem}
        .ok{border:3px solid #0a6b2d;background:#effaf2;padding:.8rem;border-radius:.5rem;margin:0 0 1rem}
        dl{margin:0}dt{font-weight:700;margin-top:.6rem}dd{margin:0}
        :focus-visible{outline:4px solid #f5a800;outline-offset:2px}
        """;

    public static ContentResult Page(PageText text, string title, string body, string centreName, string switchLanguageUrl, int status = 200)
    {
        var html = new StringBuilder();
        html.Append($"""
            <!doctype html>
            <html lang="{text.HtmlLang}">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{H(title)} - {H(centreName)}</title>
            <style>{Style}</style>
            </head>
            <body>
            <header><span class="centre">{H(centreName)}</span>
            <a href="{H(switchLanguageUrl)}" lang="{(text.English ? "zh-CN" : "en")}">{(text.English ? "中文" : "English")}</a></header>
            <main>
            <h1>{H(title)}</h1>
            {body}
            </main>
            </body>
            </html>
            """);
        return new ContentResult { Content = html.ToString(), ContentType = "text/html; charset=utf-8", StatusCode = status };
    }
}
