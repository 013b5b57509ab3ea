using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Scheduler.Functions.Pages;

/// <summary>
/// Renders a page component to HTML with ASP.NET Core's <see cref="HtmlRenderer"/> (the renderer escapes every value)
/// and sends it with the headers every page carries: a Content-Security-Policy with scripts and styles from this
/// origin only and <c>frame-ancestors 'none'</c>; pages that carry a token also send <c>Cache-Control: no-store</c>
/// and <c>Referrer-Policy: no-referrer</c>.
/// </summary>
public static class PageResponse
{
    public static async Task<IActionResult> RenderAsync<TComponent>(HttpRequest request, IDictionary<string, object?> parameters, int status = 200,
        bool carriesToken = false, string? imageSource = null) where TComponent : IComponent
    {
        var services = new EncoderServices(request.HttpContext.RequestServices);
        await using var renderer = new HtmlRenderer(services, services.GetRequiredService<ILoggerFactory>());
        var html = await renderer.Dispatcher.InvokeAsync(async () =>
            (await renderer.RenderComponentAsync<TComponent>(ParameterView.FromDictionary(parameters))).ToHtmlString());
        Secure(request.HttpContext.Response, carriesToken, imageSource);
        return new ContentResult { Content = html, ContentType = "text/html; charset=utf-8", StatusCode = status };
    }

    /// <summary>
    /// The request's services with an HTML encoder that leaves Chinese text as it is (the default one writes every
    /// character outside Basic Latin as an entity); markup characters are encoded all the same.
    /// </summary>
    private sealed class EncoderServices(IServiceProvider inner) : IServiceProvider
    {
        private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

        public object? GetService(Type serviceType) => serviceType == typeof(HtmlEncoder) ? Encoder : inner.GetService(serviceType);
    }

    public static void Secure(HttpResponse response, bool carriesToken, string? imageSource = null)
    {
        var headers = response.Headers;
        headers.ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:" + (imageSource is null ? "" : " " + imageSource) +
                                        "; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
        headers.XContentTypeOptions = "nosniff";
        headers.CacheControl = carriesToken ? "no-store" : "no-cache";
        headers["Referrer-Policy"] = carriesToken ? "no-referrer" : "strict-origin-when-cross-origin";
    }
}
