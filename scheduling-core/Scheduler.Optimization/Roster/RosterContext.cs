using Google.OrTools.Sat;
using Scheduler.Core.Roster;

namespace Scheduler.Optimization.Roster;

/// <summary>The CP-SAT model of one roster day and its variables, shared by the hard rules and the named penalties.</summary>
internal sealed class RosterContext
{
    public RosterContext(RosterRequest request)
    {
        Request = request;
        Day = request.Day;
        Model = new CpModel();
        var categories = request.Categories.Select(c => c.Id).ToHashSet();
        foreach (var s in request.Staff)
        {
            var available = RosterSlots.Available(Day, s);
            var onRoute = RosterSlots.OnRoute(Day, s.Id, request.Routes);
            var sv = new StaffVars(s, available, onRoute);
            var skilled = s.CategoryIds.Where(categories.Contains).Distinct().ToList();
            for (var t = 0; t < Day.Slots; t++)
            {
                if (!sv.Free(t)) continue;
                var inSlot = sv.BySlot[t] = [];
                foreach (var k in skilled) inSlot.Add((k, sv.Window[(t, k)] = Model.NewBoolVar($"x_{s.Id}_{t}_{k}")));
                sv.BackOffice[t] = Model.NewBoolVar($"o_{s.Id}_{t}");
                // Evening and weekend slots are optional: a staff member available then may stay off.
                if (RosterSlots.Unsocial(Day, request.Rules, t)) sv.Off[t] = Model.NewBoolVar($"off_{s.Id}_{t}");
            }
            sv.NeedsBreak = RosterSlots.NeedsBreak(available, request.Rules, s.Id, request.Routes);
            if (sv.NeedsBreak)
                foreach (var j in RosterSlots.BreakStarts(Day, available, onRoute, request.Rules))
                    sv.BreakStart[j] = Model.NewBoolVar($"b_{s.Id}_{j}");
            Staff.Add(sv);
        }
    }

    public RosterRequest Request { get; }
    public RosterDay Day { get; }
    public CpModel Model { get; }
    public List<StaffVars> Staff { get; } = [];

    /// <summary>Variables the penalties derive from the duties, with how to compute each from a roster (to complete the solver's hint).</summary>
    public List<(IntVar Var, Func<IReadOnlyDictionary<string, IReadOnlyList<Duty>>, long> Value)> Derived { get; } = [];

    public static int StaffedIn(IReadOnlyDictionary<string, IReadOnlyList<Duty>> duties, string categoryId, int t) =>
        duties.Values.Count(d => d[t] == Duty.At(categoryId));

    /// <summary>Windows staffed of a category in a slot.</summary>
    public LinearExpr Staffed(string categoryId, int t) =>
        LinearExpr.Sum(Staff.Select(s => s.Window.GetValueOrDefault((t, categoryId))).OfType<BoolVar>());

    /// <summary>How many staff could sit at a category's window in a slot (skilled, available, not out on a route).</summary>
    public int Could(string categoryId, int t) => Staff.Count(s => s.Window.ContainsKey((t, categoryId)));

    internal sealed class StaffVars(RosterStaff staff, bool[] available, string?[] onRoute)
    {
        public RosterStaff Staff { get; } = staff;
        public bool[] Available { get; } = available;
        public string?[] OnRoute { get; } = onRoute;
        public bool NeedsBreak { get; set; }
        public Dictionary<(int Slot, string Category), BoolVar> Window { get; } = [];
        public Dictionary<int, List<(string Category, BoolVar Var)>> BySlot { get; } = [];
        public Dictionary<int, BoolVar> BackOffice { get; } = [];
        public Dictionary<int, BoolVar> BreakStart { get; } = [];
        public Dictionary<int, BoolVar> Off { get; } = [];

        /// <summary>1 when off in an optional (evening or weekend) slot.</summary>
        public LinearExpr StaysOff(int t) => Off.TryGetValue(t, out var v) ? v : LinearExpr.Constant(0);

        public bool Free(int t) => Available[t] && OnRoute[t] is null;

        /// <summary>1 when on break in slot t: a break started in one of the last BreakSlots slots.</summary>
        public LinearExpr OnBreak(int t, int breakSlots) =>
            LinearExpr.Sum(BreakStart.Where(b => b.Key <= t && t < b.Key + breakSlots).Select(b => b.Value));

        public LinearExpr AtAnyWindow(int t) => BySlot.TryGetValue(t, out var w) ? LinearExpr.Sum(w.Select(x => x.Var)) : LinearExpr.Constant(0);

        /// <summary>The categories this staff member could sit at in slot t.</summary>
        public IEnumerable<string> Skills(int t) => BySlot.TryGetValue(t, out var w) ? w.Select(x => x.Category) : [];
    }
}
