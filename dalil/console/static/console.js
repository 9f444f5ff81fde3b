// The agents' console page. It uses only the JSON API under /api, and puts every text it
// receives into the page with textContent: nothing from a message or the catalog is HTML.
"use strict";

const $ = (id) => document.getElementById(id);

async function api(path, options = {}) {
  const response = await fetch(path, {
    credentials: "same-origin",
    headers: { "Content-Type": "application/json" },
    ...options,
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw Object.assign(new Error(body.detail || response.statusText), { status: response.status });
  return body;
}

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

async function showWorkspace() {
  const me = await api("/api/me");
  $("who").textContent = `${me.username} (${me.role === "supervisor" ? "مشرف" : "موظف"})`;
  $("login").hidden = true;
  $("workspace").hidden = false;
  $("logout").hidden = false;
  $("csat-section").hidden = me.role !== "supervisor";
  await Promise.all([loadTickets(), me.role === "supervisor" ? loadCsat() : null]);
}

async function search(query) {
  const list = $("results");
  list.replaceChildren();
  for (const hit of await api(`/api/services?q=${encodeURIComponent(query)}`)) {
    const button = element("button", hit.name);
    button.addEventListener("click", () => openService(hit.id));
    const item = element("li");
    item.append(button);
    list.append(item);
  }
}

async function openService(id) {
  const service = await api(`/api/services/${encodeURIComponent(id)}`);
  const article = $("service");
  article.replaceChildren(element("h3", service.name), element("p", service.department, "meta"));
  for (const aspect of service.aspects) {
    article.append(element("h4", aspect.label), element("div", aspect.text, "answer"));
  }
}

async function ask(text) {
  const result = await api("/api/ask", { method: "POST", body: JSON.stringify({ text }) });
  const box = $("ask-result");
  box.replaceChildren(element("p",
    `النية: ${result.intent} — الثقة: ${result.confidence} — الخدمة: ${result.service || "—"}`, "meta"));
  for (const reply of result.replies) box.append(element("div", reply.text || "", "answer"));
}

async function lookup(form) {
  const data = Object.fromEntries(new FormData(form));
  try {
    const result = await api("/api/cases/lookup", { method: "POST", body: JSON.stringify(data) });
    $("case-result").textContent = result.text;
  } catch (error) {
    $("case-result").textContent = error.status === 404 ? "لا يوجد طلب بهذا الرقم وهذه الهوية." : `تعذر الاستعلام: ${error.message}`;
  }
  form.national_id.value = "";
}

async function loadTickets() {
  const list = $("tickets");
  list.replaceChildren();
  for (const ticket of await api("/api/tickets?status=open")) {
    const item = element("li");
    item.append(element("strong", `${ticket.number} — ${ticket.channel} — ${ticket.service || "بدون خدمة"}`));
    const transcript = element("ol");
    for (const turn of ticket.transcript) {
      transcript.append(element("li", `${turn.speaker === "user" ? "العميل" : "دليل"}: ${turn.text}`));
    }
    const close = element("button", "إغلاق التذكرة");
    close.addEventListener("click", async () => { await api(`/api/tickets/${ticket.id}/close`, { method: "POST" }); loadTickets(); });
    item.append(transcript, close);
    list.append(item);
  }
}

async function loadCsat() {
  const report = await api("/api/reports/csat");
  const lines = [`محادثات: ${report.conversations} — أجاب عنها دليل: ${report.resolved_by_bot} — حُوّلت: ${report.handed_off}`];
  for (const [channel, row] of Object.entries(report.by_channel)) lines.push(`${channel}: ${row.mean} من 5 (${row.ratings})`);
  for (const [service, row] of Object.entries(report.by_service)) lines.push(`${service}: ${row.mean} من 5 (${row.ratings})`);
  $("csat").textContent = lines.join("\n");
}

$("login-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const data = Object.fromEntries(new FormData(event.target));
  try {
    await api("/api/login", { method: "POST", body: JSON.stringify(data) });
    event.target.reset();
    await showWorkspace();
  } catch {
    $("login-error").textContent = "اسم المستخدم أو كلمة المرور غير صحيحة.";
  }
});
$("logout").addEventListener("click", async () => { await api("/api/logout", { method: "POST" }); location.reload(); });
$("search-form").addEventListener("submit", (event) => { event.preventDefault(); search($("search").value); });
$("ask-form").addEventListener("submit", (event) => { event.preventDefault(); ask($("ask").value); });
$("case-form").addEventListener("submit", (event) => { event.preventDefault(); lookup(event.target); });
showWorkspace().catch(() => {});
