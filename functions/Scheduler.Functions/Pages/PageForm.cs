using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace Scheduler.Functions.Pages;

/// <summary>Why a form post could not be read: not a form (415), too large (413), or malformed (400).</summary>
public enum FormFault { None, NotAForm, TooLarge, Malformed }

/// <summary>
/// Reads a page's form post within limits: at most <see cref="RequestBody.MaxBytes"/> bytes whether or not the length
/// is declared (a chunked body is counted as it is read), 50 fields, keys of at most 2,048 characters. Whatever breaks
/// a limit or is not well-formed comes back as a <see cref="FormFault"/>, never as an exception.
/// </summary>
public static class PageForm
{
    public const int MaxFields = 50;
    public const int MaxKeyLength = 2048;

    public static async Task<(Dictionary<string, string>? Form, FormFault Fault)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) != true) return (null, FormFault.NotAForm);
        if (request.ContentLength > RequestBody.MaxBytes) return (null, FormFault.TooLarge);
        var buffer = new MemoryStream();
        var chunk = new byte[4096];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > RequestBody.MaxBytes) return (null, FormFault.TooLarge);
        }
        buffer.Position = 0;
        try
        {
            using var reader = new FormReader(buffer, Encoding.UTF8)
            {
                ValueCountLimit = MaxFields, KeyLengthLimit = MaxKeyLength, ValueLengthLimit = RequestBody.MaxBytes,
            };
            var fields = await reader.ReadFormAsync(cancellationToken);
            return (fields.ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal), FormFault.None);
        }
        catch (InvalidDataException)
        {
            return (null, FormFault.Malformed);
        }
        catch (DecoderFallbackException)
        {
            return (null, FormFault.Malformed);
        }
    }
}
