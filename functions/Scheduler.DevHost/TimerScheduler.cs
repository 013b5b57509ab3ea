using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NCrontab;
using NodaTime;

namespace Scheduler.DevHost;

/// <summary>Fires one timer-triggered function on its NCRONTAB schedule (six fields with seconds, or five), in UTC as the Functions host on Linux does.</summary>
public sealed class TimerScheduler(TimerFunctionEntry function, FunctionInvoker invoker, IClock clock, ILogger<TimerScheduler> logger) : BackgroundService
{
    public static CrontabSchedule Parse(string expression) =>
        CrontabSchedule.Parse(expression, new CrontabSchedule.ParseOptions
        {
            IncludingSeconds = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6,
        });

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var schedule = Parse(function.Schedule);
        DateTime? last = null;
        if (function.RunOnStartup) await FireAsync(schedule, null, stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = clock.GetCurrentInstant().ToDateTimeUtc();
            var next = schedule.GetNextOccurrence(now);
            try
            {
                await Task.Delay(next - now, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            await FireAsync(schedule, last, stoppingToken);
            last = next;
        }
    }

    public async Task FireAsync(CrontabSchedule schedule, DateTime? last, CancellationToken cancellationToken)
    {
        var now = clock.GetCurrentInstant().ToDateTimeUtc();
        var info = new TimerInfo
        {
            IsPastDue = false,
            ScheduleStatus = new ScheduleStatus { Last = last ?? default, Next = schedule.GetNextOccurrence(now), LastUpdated = now },
        };
        try
        {
            await invoker.InvokeAsync(function, new TriggerInput(Timer: info), cancellationToken);
            logger.LogInformation("Timer function {Function} ran", function.Name);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Timer function {Function} failed", function.Name);
        }
    }
}
