using Scheduler.Core.HomeVisits;

namespace Scheduler.Optimization.Routing.Penalties;

/// <summary>
/// Overtime: <c>OvertimePerSecond x</c> the seconds a staff member gets back after their shift end. A soft upper
/// bound on the time at the route's end; the hard bound is shift end plus the allowed overtime.
/// </summary>
public static class OvertimePenalty
{
    public static long Cost(int returnSeconds, StaffShift shift, PenaltyWeights w) =>
        w.OvertimePerSecond * Math.Max(0, returnSeconds - DayClock.Seconds(shift.End));

    internal static void Apply(RoutingContext c)
    {
        for (var v = 0; v < c.Request.Staff.Count; v++)
        {
            var shift = c.Request.Staff[v];
            if (shift.AllowedOvertime > NodaTime.Duration.Zero && c.Weights.OvertimePerSecond > 0)
                c.Time.SetCumulVarSoftUpperBound(c.Model.End(v), DayClock.Seconds(shift.End), c.Weights.OvertimePerSecond);
        }
    }
}
